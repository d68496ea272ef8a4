"""OpenID4VCI 1.0 token and credential messages: §6 Token Request/Response (pre-authorized
code), §7.2 Nonce Response, §8.2 Credential Request, §8.3 Credential Response."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rotonde.oid4vci._common import PRE_AUTHORIZED_GRANT, OID4VCIError, object_of, require_str

__all__ = [
    "CredentialRequest",
    "TokenRequest",
    "credential_request",
    "credential_response",
    "nonce_response",
    "parse_authorization_details",
    "parse_credential_request",
    "parse_credential_response",
    "parse_token_request",
    "parse_token_response",
    "token_request",
    "token_response",
]


@dataclass(frozen=True, slots=True)
class TokenRequest:
    pre_authorized_code: str
    tx_code: str | None = None
    #: The ``credential_configuration_id`` of each ``openid_credential`` entry of
    #: ``authorization_details`` (§5.1.1, §6.1), or ``None`` when the parameter was not sent.
    authorization_details: tuple[str, ...] | None = None


def token_request(pre_authorized_code: str, tx_code: str | None = None, *,
                  authorization_details: Sequence[str] | None = None) -> dict[str, str]:
    """Form fields of a pre-authorized Token Request (§6.1); ``authorization_details`` names
    the credential configurations asked for (§5.1.1, type ``openid_credential``)."""
    out = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": pre_authorized_code}
    if tx_code is not None:
        out["tx_code"] = tx_code
    if authorization_details is not None:
        out["authorization_details"] = json.dumps(
            [{"type": "openid_credential", "credential_configuration_id": c}
             for c in authorization_details])
    return out


def _bad_details(message: str, message_nl: str) -> OID4VCIError:
    # RFC 9396 §5: the error code for authorization_details that cannot be honoured.
    return OID4VCIError("invalid_authorization_details", message, message_nl,
                        pointer="/authorization_details")


def parse_authorization_details(raw: Any, *, max_entries: int = 10) -> tuple[str, ...]:
    """``authorization_details`` (RFC 9396 §2; OpenID4VCI §5.1.1): a JSON array of objects of
    type ``openid_credential`` with a ``credential_configuration_id`` (unknown fields are
    allowed, §5.1.1). Returns the configuration ids; ``invalid_authorization_details``."""
    if not isinstance(raw, str) or len(raw) > 8192:
        raise _bad_details("authorization_details must be a JSON array",
                           "authorization_details moet een JSON-lijst zijn")
    try:
        value = json.loads(raw)
    except ValueError:
        raise _bad_details("authorization_details is not JSON",
                           "authorization_details is geen JSON") from None
    if not isinstance(value, list) or not value or len(value) > max_entries:
        raise _bad_details(f"authorization_details must be an array of 1 to {max_entries} "
                           "objects", "authorization_details moet een niet-lege lijst zijn")
    out: list[str] = []
    for item in value:
        if not isinstance(item, dict) or item.get("type") != "openid_credential":
            raise _bad_details("each authorization_details entry must be of type "
                               "openid_credential",
                               "elk authorization_details-item moet van type openid_credential "
                               "zijn")
        conf = item.get("credential_configuration_id")
        if not isinstance(conf, str) or not conf:
            raise _bad_details("an openid_credential entry needs a credential_configuration_id",
                               "een openid_credential-item heeft een credential_configuration_id "
                               "nodig")
        if conf in out:
            raise _bad_details(f"{conf!r} is asked for twice", f"{conf!r} staat er twee keer in")
        out.append(conf)
    return tuple(out)


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
    details = form.get("authorization_details")
    return TokenRequest(code, tx or None,
                        None if details is None else parse_authorization_details(details))


def token_response(access_token: str, *, expires_in: int,
                   credential_identifiers: Mapping[str, Sequence[str]] | None = None,
                   ) -> dict[str, Any]:
    """Successful Token Response (§6.2); with ``credential_identifiers`` (configuration id ->
    its identifiers) the ``authorization_details`` answer the request's."""
    out: dict[str, Any] = {"access_token": access_token, "token_type": "Bearer",
                           "expires_in": expires_in}
    if credential_identifiers is not None:
        out["authorization_details"] = [
            {"type": "openid_credential", "credential_configuration_id": conf,
             "credential_identifiers": list(idents)}
            for conf, idents in credential_identifiers.items()]
    return out


def parse_token_response(data: Any) -> dict[str, Any]:
    obj = object_of(data, "token response")
    if "error" in obj:
        raise OID4VCIError(str(obj["error"]), str(obj.get("error_description", obj["error"])))
    require_str(obj, "access_token", "invalid_request")
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
    ``proof`` member is refused.

    Rotonde does not encrypt Credential Responses (its metadata carries no
    ``credential_response_encryption``, §12.2.4), so a request asking for an encrypted
    response gets ``invalid_encryption_parameters`` (§8.3.1.2) — never the credential in
    plaintext, which the wallet asked not to receive (§8.2, §8.3: the response "MUST" then be
    encrypted)."""
    obj = object_of(data, "credential request", "invalid_credential_request")
    if "credential_response_encryption" in obj:
        raise OID4VCIError(
            "invalid_encryption_parameters",
            "this issuer does not encrypt credential responses (no credential_response_encryption "
            "in its metadata); send the request without credential_response_encryption",
            "deze uitgever versleutelt geen antwoorden; stuur het verzoek zonder "
            "credential_response_encryption",
            pointer="/credential_response_encryption",
        )
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
    obj = object_of(data, "credential response")
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
