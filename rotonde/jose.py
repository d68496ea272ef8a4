"""Credentials and presentations secured with JOSE: ``vc+jwt`` and ``vp+jwt`` (VC-JOSE-COSE).

* §3.1.1 (JOSE, credentials): the unsecured credential is the JWS payload, unchanged;
  ``typ`` is ``vc+jwt`` and ``cty`` is ``vc``. Rotonde adds the issuer as the ``iss`` header
  parameter (RFC 7519 §5.3, claims replicated as header parameters) so the payload stays
  exactly the credential, and ``kid`` is the verification method (a DID URL).
* §3.1.2 (JOSE, presentations): ``typ`` ``vp+jwt``, ``cty`` ``vp``; credentials inside are
  ``EnvelopedVerifiableCredential`` objects whose ``id`` is ``data:application/vc+jwt,<jwt>``
  (VCDM 2.0 §4.13.1; built and read by :mod:`rotonde.envelope`). For holder binding the
  payload may carry ``nonce`` and ``aud`` (RFC 7519 §4.1.3) next to the presentation members.
* §3.3 (key discovery): ``kid`` is dereferenced through the injected resolver
  (:func:`rotonde.proofs.data_integrity.proof_method`); the key must be authorised for
  ``assertionMethod`` (credentials) or ``authentication`` (presentations) and controlled by
  the issuer or holder. The claims ``vc`` and ``vp`` are forbidden (§3.1.1). Only ES256 and
  EdDSA are accepted (:mod:`rotonde.jws`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rotonde.credential import ensure_credential
from rotonde.did.methods import DidResolver, ResolvedMethod, expected_controller, method_id_for_key
from rotonde.errors import ParseError, SignatureError
from rotonde.jws import MAX_TOKEN_BYTES, parse_compact, sign_compact
from rotonde.keys import PublicKey, Signer
from rotonde.presentation import ensure_presentation
from rotonde.proofs.data_integrity import proof_method

__all__ = [
    "VerifiedJwt",
    "sign_vc_jwt",
    "sign_vp_jwt",
    "verify_vc_jwt",
    "verify_vp_jwt",
]

_JWT_CLAIMS = ("nonce", "aud", "iat", "exp", "nbf", "jti", "iss", "sub")


def _kid_for(signer: Signer, kid: str | None, owner: str | None) -> str:
    """``kid``: the given or signer's key id, a bare one (``key-1``) taken as a fragment of the
    issuer/holder identifier; default the signer's ``did:key`` verification method."""
    value = kid or signer.kid
    if not value:
        return method_id_for_key(signer.public_key)
    if ":" not in value.partition("#")[0] and owner:
        return f"{owner}#{value.lstrip('#')}"
    return value


def sign_vc_jwt(
    credential: Mapping[str, Any], *, signer: Signer, kid: str | None = None, validate: bool = True
) -> str:
    """Secure a credential as ``vc+jwt`` (§3.1.1). ``kid`` defaults to the signer's key id,
    else to its ``did:key`` verification method."""
    if validate:
        ensure_credential(dict(credential))
    if "proof" in credential:
        raise ParseError("jose.embedded_proof", "a vc+jwt payload must not carry a proof",
                         message_nl="een vc+jwt-payload mag geen proof bevatten", pointer="/proof")
    issuer = expected_controller(credential)
    header: dict[str, Any] = {"typ": "vc+jwt", "cty": "vc", "kid": _kid_for(signer, kid, issuer)}
    if issuer:
        header["iss"] = issuer
    return sign_compact(header, dict(credential), signer)


def sign_vp_jwt(
    presentation: Mapping[str, Any], *, signer: Signer, kid: str | None = None,
    nonce: str | None = None, audience: str | None = None, issued_at: int | None = None,
    expires_at: int | None = None, validate: bool = True,
) -> str:
    """Secure a presentation as ``vp+jwt`` (§3.1.2), optionally bound to ``nonce``/``audience``."""
    if validate:
        ensure_presentation(dict(presentation))
    payload = dict(presentation)
    for name, value in (("nonce", nonce), ("aud", audience), ("iat", issued_at),
                        ("exp", expires_at)):
        if value is not None:
            payload[name] = value
    holder = expected_controller(presentation)
    header: dict[str, Any] = {"typ": "vp+jwt", "cty": "vp", "kid": _kid_for(signer, kid, holder)}
    if holder:
        header["iss"] = holder
    return sign_compact(header, payload, signer)


@dataclass(frozen=True)
class VerifiedJwt:
    """A ``vc+jwt``/``vp+jwt`` whose signature verified: the document, claims and method."""

    header: dict[str, Any]
    payload: dict[str, Any]
    document: dict[str, Any]
    method: ResolvedMethod


def _verify(
    token: str, typ: str, purpose: str, *, resolver: DidResolver | None, key: PublicKey | None,
    require_controller: bool, max_bytes: int,
) -> VerifiedJwt:
    jws = parse_compact(token, typ=typ, max_bytes=max_bytes)
    payload = jws.claims()
    for name in ("vc", "vp"):
        if name in payload:
            raise ParseError("jose.claim_forbidden", f"the JWT claim {name!r} must not be present",
                             message_nl=f"de JWT-claim {name!r} mag niet aanwezig zijn",
                             pointer=f"/{name}")
    document = {k: v for k, v in payload.items() if k not in _JWT_CLAIMS}
    owner = expected_controller(document)
    for where, iss in (("header", jws.header.get("iss")), ("payload", payload.get("iss"))):
        if iss is not None and iss != owner:
            raise SignatureError("jose.iss_mismatch",
                                 f"iss in the {where} is not the {'issuer' if typ == 'vc+jwt' else 'holder'}",
                                 message_nl=f"iss in de {where} is niet de uitgever of houder")
    kid = jws.header.get("kid")
    if key is not None:
        method = ResolvedMethod(kid if isinstance(kid, str) else "", owner or "", key)
    else:
        if not isinstance(kid, str) or not kid:
            raise SignatureError("jose.kid_missing", "the JWS header has no kid",
                                 message_nl="de JWS-header heeft geen kid")
        if kid.startswith("#") and owner:
            kid = owner + kid
        method = proof_method(kid, purpose, resolver=resolver)
        if owner is None and typ == "vc+jwt":
            raise SignatureError("jose.issuer_missing", "the credential names no issuer",
                                 message_nl="het bewijs noemt geen uitgever", pointer="/issuer")
        if require_controller and owner is not None and method.controller != owner:
            raise SignatureError(
                "jose.method_not_controlled",
                f"key {method.id!r} is not controlled by {owner!r}",
                message_nl=f"sleutel {method.id!r} valt niet onder {owner!r}",
            )
    jws.verify(method.public_key)
    return VerifiedJwt(dict(jws.header), payload, document, method)


def verify_vc_jwt(
    token: str, *, resolver: DidResolver | None = None, key: PublicKey | None = None,
    require_controller: bool = True, max_bytes: int = MAX_TOKEN_BYTES,
) -> VerifiedJwt:
    """Verify a ``vc+jwt`` signature and key control; raises precise :class:`RotondeError`s."""
    return _verify(token, "vc+jwt", "assertionMethod", resolver=resolver, key=key,
                   require_controller=require_controller, max_bytes=max_bytes)


def verify_vp_jwt(
    token: str, *, resolver: DidResolver | None = None, key: PublicKey | None = None,
    nonce: str | None = None, audience: str | None = None, require_controller: bool = True,
    max_bytes: int = MAX_TOKEN_BYTES,
) -> VerifiedJwt:
    """Verify a ``vp+jwt``; with ``nonce``/``audience`` the payload must carry the same."""
    out = _verify(token, "vp+jwt", "authentication", resolver=resolver, key=key,
                  require_controller=require_controller, max_bytes=max_bytes)
    if nonce is not None and out.payload.get("nonce") != nonce:
        raise SignatureError("jose.nonce_mismatch", "presentation nonce does not match",
                             message_nl="nonce van de presentatie klopt niet", pointer="/nonce")
    aud = out.payload.get("aud")
    if audience is not None and not (aud == audience or (isinstance(aud, list) and audience in aud)):
        raise SignatureError("jose.audience_mismatch", "presentation audience does not match",
                             message_nl="doelgroep (aud) van de presentatie klopt niet",
                             pointer="/aud")
    return out
