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
  ``nonce_endpoint``); key proofs of type ``jwt`` (Appendix F.1) live in
  :mod:`rotonde._oid4vci_proof` and re-exported here (:func:`create_proof`,
  :func:`validate_proof`).

All parsers raise :class:`OID4VCIError`, a :class:`~rotonde.errors.ValidationError` that also
carries the spec's OAuth ``error`` code, so a service can answer with the right error response.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from rotonde._oid4vci_proof import PROOF_TYP, ProofResult, create_proof, validate_proof
from rotonde.encoding import loads_json
from rotonde.errors import ValidationError

__all__ = [
    "OFFER_SCHEME",
    "PRE_AUTHORIZED_GRANT",
    "PROOF_TYP",
    "CredentialOffer",
    "CredentialRequest",
    "OID4VCIError",
    "OfferReference",
    "ProofResult",
    "TokenRequest",
    "TxCode",
    "create_proof",
    "credential_request",
    "credential_response",
    "issuer_metadata",
    "nonce_response",
    "offer_uri",
    "parse_credential_offer",
    "parse_credential_request",
    "parse_credential_response",
    "parse_issuer_metadata",
    "parse_offer_uri",
    "parse_token_request",
    "parse_token_response",
    "token_request",
    "token_response",
    "validate_proof",
]

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME = "openid-credential-offer://"
_MAX_OFFER_BYTES = 16 * 1024


class OID4VCIError(ValidationError):
    """A protocol message is wrong. ``error`` is the OAuth/OpenID4VCI error code to send
    (``invalid_request``, ``invalid_grant``, ``invalid_proof``, ``invalid_nonce``,
    ``invalid_credential_request``, ``unknown_credential_configuration``, ...)."""

    def __init__(
        self, error: str, message: str, message_nl: str = "", *, pointer: str | None = None
    ) -> None:
        super().__init__(f"oid4vci.{error}", message, message_nl=message_nl, pointer=pointer)
        self.error = error


def _require_str(data: Mapping[str, Any], name: str, error: str, where: str = "") -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise OID4VCIError(
            error,
            f"{name} is required and must be a non-empty string",
            f"{name} is verplicht en moet een niet-lege tekst zijn",
            pointer=f"{where}/{name}",
        )
    return value


def _object(data: Any, what: str, error: str = "invalid_request") -> dict[str, Any]:
    if isinstance(data, (str, bytes)):
        data = loads_json(data, what=what, max_depth=16)
    if not isinstance(data, dict):
        raise OID4VCIError(error, f"{what} is not a JSON object", f"{what} is geen JSON-object")
    return data


# --- §4.1 Credential Offer -------------------------------------------------------------------


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
    obj = _object(data, "credential offer")
    issuer = _require_str(obj, "credential_issuer", "invalid_request")
    if urlsplit(issuer).scheme not in ("https", "http") or urlsplit(issuer).query:
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
    code = _require_str(
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
    query = urlsplit(uri).query
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
        if urlsplit(ref).scheme not in ("https", "http") or not urlsplit(ref).netloc:
            raise OID4VCIError(
                "invalid_request",
                "credential_offer_uri must be an https URL",
                "credential_offer_uri moet een https-URL zijn",
            )
        return OfferReference(credential_offer_uri=ref)
    return OfferReference(offer=parse_credential_offer(by_value[0]))


# --- §12.2 Credential Issuer Metadata --------------------------------------------------------


def issuer_metadata(
    *,
    credential_issuer: str,
    credential_configurations: Mapping[str, Mapping[str, Any]],
    display: Sequence[Mapping[str, Any]] = (),
    credential_endpoint: str | None = None,
    nonce_endpoint: str | None = None,
    authorization_servers: Sequence[str] = (),
) -> dict[str, Any]:
    """Credential Issuer Metadata (§12.2.4). Endpoints default to ``<issuer>/credential`` and
    ``<issuer>/nonce``."""
    base = credential_issuer.rstrip("/")
    out: dict[str, Any] = {
        "credential_issuer": credential_issuer,
        "credential_endpoint": credential_endpoint or base + "/credential",
        "nonce_endpoint": nonce_endpoint or base + "/nonce",
    }
    if authorization_servers:
        out["authorization_servers"] = list(authorization_servers)
    if display:
        out["display"] = [dict(d) for d in display]
    out["credential_configurations_supported"] = {
        k: dict(v) for k, v in credential_configurations.items()
    }
    return out


def parse_issuer_metadata(data: Any, *, expected_issuer: str) -> dict[str, Any]:
    """Check Credential Issuer Metadata: ``credential_issuer`` must equal the issuer the offer
    named (§12.2.3), endpoints must be present, configurations must be objects with a format."""
    obj = _object(data, "credential issuer metadata")
    issuer = _require_str(obj, "credential_issuer", "invalid_request")
    if issuer != expected_issuer:
        raise OID4VCIError(
            "invalid_request",
            f"metadata is for {issuer!r}, not {expected_issuer!r}",
            f"metadata hoort bij {issuer!r}, niet bij {expected_issuer!r}",
            pointer="/credential_issuer",
        )
    _require_str(obj, "credential_endpoint", "invalid_request")
    configs = obj.get("credential_configurations_supported")
    if not isinstance(configs, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("format"), str) for v in configs.values()
    ):
        raise OID4VCIError(
            "invalid_request",
            "credential_configurations_supported must map ids to objects with a format",
            "credential_configurations_supported moet id's aan objecten met een format koppelen",
            pointer="/credential_configurations_supported",
        )
    return obj


# --- §6 Token endpoint ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TokenRequest:
    pre_authorized_code: str
    tx_code: str | None = None


def token_request(pre_authorized_code: str, tx_code: str | None = None) -> dict[str, str]:
    """Form fields of a pre-authorized Token Request (§6.1)."""
    out = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": pre_authorized_code}
    if tx_code is not None:
        out["tx_code"] = tx_code
    return out


def parse_token_request(form: Mapping[str, Any]) -> TokenRequest:
    """Parse Token Request form fields; ``unsupported_grant_type`` / ``invalid_request``."""
    grant = form.get("grant_type")
    if grant != PRE_AUTHORIZED_GRANT:
        raise OID4VCIError(
            "unsupported_grant_type" if grant else "invalid_request",
            "only the pre-authorized code grant is supported",
            "alleen de pre-authorized-code-grant wordt ondersteund",
        )
    code = form.get("pre-authorized_code")
    if not isinstance(code, str) or not code or len(code) > 512:
        raise OID4VCIError(
            "invalid_request", "pre-authorized_code is missing", "pre-authorized_code ontbreekt"
        )
    tx = form.get("tx_code")
    if tx is not None and (not isinstance(tx, str) or len(tx) > 64):
        raise OID4VCIError("invalid_request", "tx_code is malformed", "tx_code is onjuist gevormd")
    return TokenRequest(code, tx or None)


def token_response(access_token: str, *, expires_in: int) -> dict[str, Any]:
    """Successful Token Response (§6.2)."""
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": expires_in}


def parse_token_response(data: Any) -> dict[str, Any]:
    obj = _object(data, "token response")
    if "error" in obj:
        raise OID4VCIError(str(obj["error"]), str(obj.get("error_description", obj["error"])))
    _require_str(obj, "access_token", "invalid_request")
    if str(obj.get("token_type", "")).lower() not in ("bearer", "dpop"):
        raise OID4VCIError("invalid_request", "token_type is missing", "token_type ontbreekt")
    return obj


def nonce_response(c_nonce: str) -> dict[str, str]:
    """Nonce Response (§7.2)."""
    return {"c_nonce": c_nonce}


# --- §8 Credential endpoint -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CredentialRequest:
    credential_configuration_id: str | None
    credential_identifier: str | None
    jwt_proofs: tuple[str, ...] = field(default=())


def credential_request(configuration_id: str, *, jwt_proofs: Sequence[str]) -> dict[str, Any]:
    """Credential Request body (§8.2) with ``proofs.jwt``."""
    return {"credential_configuration_id": configuration_id, "proofs": {"jwt": list(jwt_proofs)}}


def parse_credential_request(data: Any, *, max_proofs: int = 10) -> CredentialRequest:
    """Parse a Credential Request (§8.2): exactly one of ``credential_configuration_id`` and
    ``credential_identifier``; ``proofs`` with one proof type (``jwt``); the legacy single
    ``proof`` member is refused."""
    obj = _object(data, "credential request", "invalid_credential_request")
    conf, ident = obj.get("credential_configuration_id"), obj.get("credential_identifier")
    if (conf is None) == (ident is None) or not isinstance(conf or ident, str):
        raise OID4VCIError(
            "invalid_credential_request",
            "give exactly one of credential_configuration_id and credential_identifier",
            "geef precies één van credential_configuration_id en credential_identifier",
        )
    if "proof" in obj:
        raise OID4VCIError(
            "invalid_credential_request",
            "use proofs (OpenID4VCI 1.0), not proof",
            "gebruik proofs (OpenID4VCI 1.0), niet proof",
            pointer="/proof",
        )
    proofs = obj.get("proofs")
    jwts: list[str] = []
    if proofs is not None:
        if not isinstance(proofs, dict) or len(proofs) != 1 or "jwt" not in proofs:
            raise OID4VCIError(
                "invalid_proof" if isinstance(proofs, dict) and len(proofs) == 1 else
                "invalid_credential_request",
                "proofs must hold exactly one proof type, jwt",
                "proofs moet precies één bewijstype bevatten: jwt",
                pointer="/proofs",
            )
        raw = proofs["jwt"]
        if (
            not isinstance(raw, list)
            or not raw
            or len(raw) > max_proofs
            or not all(isinstance(p, str) for p in raw)
        ):
            raise OID4VCIError(
                "invalid_credential_request",
                f"proofs.jwt must be a non-empty array of at most {max_proofs} JWTs",
                f"proofs.jwt moet een niet-lege lijst van hooguit {max_proofs} JWT's zijn",
                pointer="/proofs/jwt",
            )
        jwts = raw
    return CredentialRequest(
        conf if isinstance(conf, str) else None,
        ident if isinstance(ident, str) else None,
        tuple(jwts),
    )


def credential_response(credentials: Sequence[Any], **extra: Any) -> dict[str, Any]:
    """Immediate Credential Response (§8.3): ``{"credentials": [{"credential": ...}, ...]}``."""
    return {"credentials": [{"credential": c} for c in credentials], **extra}


def parse_credential_response(data: Any) -> list[Any]:
    """The credentials from a Credential Response (raises the error response as OID4VCIError)."""
    obj = _object(data, "credential response")
    if "error" in obj:
        raise OID4VCIError(str(obj["error"]), str(obj.get("error_description", obj["error"])))
    creds = obj.get("credentials")
    if not isinstance(creds, list) or not creds or not all(
        isinstance(c, dict) and "credential" in c for c in creds
    ):
        raise OID4VCIError(
            "invalid_request",
            "credentials must be a non-empty array of {credential: ...}",
            "credentials moet een niet-lege lijst van {credential: ...} zijn",
            pointer="/credentials",
        )
    return [c["credential"] for c in creds]
