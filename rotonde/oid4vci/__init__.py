"""OpenID for Verifiable Credential Issuance 1.0: message builders and parsers (pure).

Used by the issuer service (to build offers and metadata, parse token and credential requests,
validate key proofs) and by the wallet (to read offers and metadata and to make key proofs).

Sections implemented:

* §4.1 Credential Offer, by value (``credential_offer``) or by reference
  (``credential_offer_uri``), carried in an ``openid-credential-offer://`` URI (§4.1.3) or a
  wallet's https Credential Offer Endpoint;
* §4.1.1 pre-authorized code grant with ``tx_code`` (``input_mode``, ``length``, ``description``);
* §6.1 / §6.2 Token Request and Response for the pre-authorized code grant, §6.3 errors;
* §7 Nonce Endpoint response (``c_nonce``);
* §8.2 Credential Request (``credential_configuration_id`` | ``credential_identifier``,
  ``proofs``), §8.3 Credential Response (``credentials: [{"credential": ...}]``), §8.3.1 errors;
* §12.2 Credential Issuer Metadata (``credential_configurations_supported``, ``display``,
  ``nonce_endpoint``);
* Appendix F.1 key proofs of type ``jwt`` (:func:`create_proof`, :func:`validate_proof`).

The wallet-side client (:mod:`~rotonde.oid4vci.client`: :func:`read_offer`,
:func:`fetch_issuer_metadata`, :func:`redeem`) runs the pre-authorized code flow against an
issuer with these messages, every request through the :class:`~rotonde.http.Fetcher`.

Modules: :mod:`~rotonde.oid4vci.offer`, :mod:`~rotonde.oid4vci.metadata`,
:mod:`~rotonde.oid4vci.messages`, :mod:`~rotonde.oid4vci.proof`,
:mod:`~rotonde.oid4vci.client`; everything is re-exported here, so ``from rotonde import
oid4vci`` is all a caller needs.

All parsers raise :class:`OID4VCIError`, a :class:`~rotonde.errors.ValidationError` that also
carries the spec's OAuth ``error`` code, so a service can answer with the right error response.
"""

from __future__ import annotations

from rotonde.oid4vci._common import PRE_AUTHORIZED_GRANT, OID4VCIError
from rotonde.oid4vci.client import (
    Issued,
    IssuerInfo,
    fetch_issuer_metadata,
    offer_link_from_query,
    read_offer,
    redeem,
)
from rotonde.oid4vci.messages import (
    CredentialRequest,
    TokenRequest,
    credential_request,
    credential_response,
    nonce_response,
    parse_authorization_details,
    parse_credential_request,
    parse_credential_response,
    parse_token_request,
    parse_token_response,
    token_request,
    token_response,
)
from rotonde.oid4vci.metadata import issuer_metadata, parse_issuer_metadata
from rotonde.oid4vci.offer import (
    OFFER_SCHEME,
    CredentialOffer,
    OfferReference,
    TxCode,
    offer_uri,
    parse_credential_offer,
    parse_offer_uri,
)
from rotonde.oid4vci.proof import PROOF_TYP, ProofResult, create_proof, validate_proof

__all__ = [
    "OFFER_SCHEME",
    "PRE_AUTHORIZED_GRANT",
    "PROOF_TYP",
    "CredentialOffer",
    "CredentialRequest",
    "Issued",
    "IssuerInfo",
    "OID4VCIError",
    "OfferReference",
    "ProofResult",
    "TokenRequest",
    "TxCode",
    "create_proof",
    "credential_request",
    "credential_response",
    "fetch_issuer_metadata",
    "issuer_metadata",
    "nonce_response",
    "offer_link_from_query",
    "offer_uri",
    "parse_authorization_details",
    "parse_credential_offer",
    "parse_credential_request",
    "parse_credential_response",
    "parse_issuer_metadata",
    "parse_offer_uri",
    "parse_token_request",
    "parse_token_response",
    "read_offer",
    "redeem",
    "token_request",
    "token_response",
    "validate_proof",
]
