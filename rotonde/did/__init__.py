"""Decentralised identifiers: ``did:key``, ``did:jwk``, ``did:web``, controller documents, and
the one way to retrieve a verification method (:mod:`rotonde.did.methods`)."""

from rotonde.did.document import (
    PURPOSES,
    DidDocument,
    VerificationMethod,
    parse_did,
    split_did_url,
)
from rotonde.did.jwk import did_jwk_document, did_jwk_from_public_key, public_key_from_did_jwk
from rotonde.did.key import did_key_document, did_key_from_public_key, public_key_from_did_key
from rotonde.did.methods import (
    DidResolver,
    ResolvedMethod,
    expected_controller,
    method_id_for_key,
    retrieve_method,
)
from rotonde.did.resolver import Resolver
from rotonde.did.web import did_web_from_url, did_web_to_url, fetch_did_web

__all__ = [
    "PURPOSES",
    "DidDocument",
    "DidResolver",
    "ResolvedMethod",
    "Resolver",
    "VerificationMethod",
    "did_jwk_document",
    "did_jwk_from_public_key",
    "did_key_document",
    "did_key_from_public_key",
    "did_web_from_url",
    "did_web_to_url",
    "expected_controller",
    "fetch_did_web",
    "method_id_for_key",
    "parse_did",
    "public_key_from_did_jwk",
    "public_key_from_did_key",
    "retrieve_method",
    "split_did_url",
]
