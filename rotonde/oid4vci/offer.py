"""OpenID4VCI 1.0 §4.1 Credential Offer: by value (``credential_offer``) or by reference
(``credential_offer_uri``), carried in an ``openid-credential-offer://`` URI or a wallet's https
Credential Offer Endpoint (§4.1.3); the pre-authorized code grant with ``tx_code`` (§4.1.1)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from rotonde._urls import split_url
from rotonde.oid4vci._common import PRE_AUTHORIZED_GRANT, OID4VCIError, object_of, require_str

__all__ = [
    "OFFER_SCHEME",
    "CredentialOffer",
    "OfferReference",
    "TxCode",
    "offer_uri",
    "parse_credential_offer",
    "parse_offer_uri",
]

OFFER_SCHEME = "openid-credential-offer://"
_MAX_OFFER_BYTES = 16 * 1024


@dataclass(frozen=True, slots=True)
class TxCode:
    """§4.1.1 ``tx_code``: how the wallet should ask for the PIN sent out of band."""

    input_mode: str = "numeric"
    length: int | None = 6
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"input_mode": self.input_mode}
        if self.length is not None:
            out["length"] = self.length
        if self.description:
            out["description"] = self.description
        return out


@dataclass(frozen=True, slots=True)
class CredentialOffer:
    """A pre-authorized Credential Offer (§4.1.1)."""

    credential_issuer: str
    credential_configuration_ids: tuple[str, ...]
    pre_authorized_code: str
    tx_code: TxCode | None = None

    def to_dict(self) -> dict[str, Any]:
        grant: dict[str, Any] = {"pre-authorized_code": self.pre_authorized_code}
        if self.tx_code is not None:
            grant["tx_code"] = self.tx_code.to_dict()
        return {
            "credential_issuer": self.credential_issuer,
            "credential_configuration_ids": list(self.credential_configuration_ids),
            "grants": {PRE_AUTHORIZED_GRANT: grant},
        }


def parse_credential_offer(data: Any) -> CredentialOffer:
    """Parse and check a Credential Offer object (§4.1.1); only the pre-authorized grant."""
    obj = object_of(data, "credential offer")
    issuer = require_str(obj, "credential_issuer", "invalid_request")
    if split_url(issuer).scheme not in ("https", "http") or split_url(issuer).query:
        raise OID4VCIError(
            "invalid_request",
            "credential_issuer must be an https URL without query",
            "credential_issuer moet een https-URL zonder query zijn",
            pointer="/credential_issuer",
        )
    ids = obj.get("credential_configuration_ids")
    if (
        not isinstance(ids, list)
        or not ids
        or not all(isinstance(i, str) and i for i in ids)
        or len(set(ids)) != len(ids)
    ):
        raise OID4VCIError(
            "invalid_request",
            "credential_configuration_ids must be a non-empty array of unique strings",
            "credential_configuration_ids moet een niet-lege lijst unieke teksten zijn",
            pointer="/credential_configuration_ids",
        )
    grants = obj.get("grants")
    grant = grants.get(PRE_AUTHORIZED_GRANT) if isinstance(grants, dict) else None
    if not isinstance(grant, dict):
        raise OID4VCIError(
            "invalid_request",
            "the offer has no pre-authorized code grant",
            "het aanbod heeft geen pre-authorized-code-grant",
            pointer="/grants",
        )
    code = require_str(
        grant, "pre-authorized_code", "invalid_request", "/grants/" + PRE_AUTHORIZED_GRANT
    )
    tx: TxCode | None = None
    if "tx_code" in grant:
        raw = grant["tx_code"]
        if not isinstance(raw, dict):
            raise OID4VCIError(
                "invalid_request", "tx_code must be an object", "tx_code moet een object zijn"
            )
        mode = raw.get("input_mode", "numeric")
        length = raw.get("length")
        desc = raw.get("description")
        if (
            mode not in ("numeric", "text")
            or (length is not None and (type(length) is not int or not 0 < length <= 64))
            or (desc is not None and (not isinstance(desc, str) or len(desc) > 300))
        ):
            raise OID4VCIError(
                "invalid_request", "tx_code is malformed", "tx_code is onjuist gevormd",
                pointer="/grants/" + PRE_AUTHORIZED_GRANT + "/tx_code",
            )
        tx = TxCode(mode, length, desc)
    return CredentialOffer(issuer, tuple(ids), code, tx)


def offer_uri(
    offer: CredentialOffer | Mapping[str, Any] | None = None,
    *,
    credential_offer_uri: str | None = None,
    base: str = OFFER_SCHEME,
) -> str:
    """§4.1.3: a URI carrying the offer by value or (preferably, for small QR codes) by reference.

    ``base`` is the wallet's Credential Offer Endpoint; default ``openid-credential-offer://``.
    """
    if (offer is None) == (credential_offer_uri is None):
        raise ValueError("give exactly one of offer and credential_offer_uri")
    if credential_offer_uri is not None:
        query = urlencode({"credential_offer_uri": credential_offer_uri}, quote_via=quote)
    else:
        body = offer.to_dict() if isinstance(offer, CredentialOffer) else dict(offer or {})
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        query = urlencode({"credential_offer": text}, quote_via=quote)
    sep = "&" if "?" in base else ("" if base.endswith("?") else "?")
    return base + sep + query


@dataclass(frozen=True, slots=True)
class OfferReference:
    """What :func:`parse_offer_uri` found: an offer by value or a URI to fetch it from."""

    offer: CredentialOffer | None = None
    credential_offer_uri: str | None = None


def parse_offer_uri(uri: str) -> OfferReference:
    """Read ``credential_offer`` / ``credential_offer_uri`` from an offer URI (§4.1.3)."""
    if not isinstance(uri, str) or len(uri) > _MAX_OFFER_BYTES:
        raise OID4VCIError(
            "invalid_request",
            "offer URI is missing or too long",
            "aanbod-URI ontbreekt of is te lang",
        )
    query = split_url(uri).query
    params = parse_qs(query, keep_blank_values=True)
    by_value = params.get("credential_offer", [])
    by_ref = params.get("credential_offer_uri", [])
    if len(by_value) + len(by_ref) != 1:
        raise OID4VCIError(
            "invalid_request",
            "offer URI must carry exactly one of credential_offer and credential_offer_uri",
            "aanbod-URI moet precies één van credential_offer en credential_offer_uri bevatten",
        )
    if by_ref:
        ref = by_ref[0]
        if split_url(ref).scheme not in ("https", "http") or not split_url(ref).netloc:
            raise OID4VCIError(
                "invalid_request",
                "credential_offer_uri must be an https URL",
                "credential_offer_uri moet een https-URL zijn",
            )
        return OfferReference(credential_offer_uri=ref)
    return OfferReference(offer=parse_credential_offer(by_value[0]))
