"""VCDM 1.1 credentials secured as a JWT with a ``vc`` claim (``jwt_vc_json``): read and
verified, never issued here (issue 15 D).

VCDM 1.1 §6.3.1 "JSON Web Token", JWT decoding: the credential is the ``vc`` claim, with

* ``iss`` as ``issuer`` (the ``id`` of an issuer object),
* ``nbf`` as ``issuanceDate`` and ``exp`` as ``expirationDate`` (NumericDate -> date-time),
* ``jti`` as ``id`` and ``sub`` as ``credentialSubject.id``.

A ``vc`` claim that names another issuer than ``iss`` is refused (``jose.iss_mismatch``), as is
a ``sub`` beside a ``credentialSubject.id`` that differs. The JWS header ``typ`` is ``JWT`` or
absent (RFC 7519 §5.1); ``kid`` is the verification method (a DID URL, or a fragment of
``iss``), authorised for ``assertionMethod`` and controlled by ``iss``, exactly as for
``vc+jwt`` (:mod:`rotonde.jose`). Only ES256 and EdDSA are accepted (:mod:`rotonde.jws`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from rotonde.did.methods import DidResolver, ResolvedMethod
from rotonde.errors import ParseError, PolicyError, SignatureError
from rotonde.jose import VerifiedJwt
from rotonde.jws import MAX_TOKEN_BYTES, Jws, parse_compact
from rotonde.keys import PublicKey
from rotonde.proofs.data_integrity import proof_method

__all__ = ["credential_from_vc_claim", "parse_jwt_vc", "verify_jwt_vc"]


def _date(value: object, claim: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            0 <= value <= 253402300799):  # up to 9999-12-31T23:59:59Z
        raise ParseError("jose.claim_invalid", f"JWT claim {claim} must be a NumericDate",
                         message_nl=f"JWT-claim {claim} moet een NumericDate zijn",
                         pointer=f"/{claim}")
    return datetime.fromtimestamp(int(value), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_from_vc_claim(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The VCDM 1.1 credential a JWT payload carries (VCDM 1.1 §6.3.1, JWT decoding)."""
    vc = payload.get("vc")
    if not isinstance(vc, Mapping):
        raise ParseError("jose.vc_claim_missing", "the JWT has no vc claim (an object)",
                         message_nl="de JWT heeft geen vc-claim (een object)", pointer="/vc")
    doc: dict[str, Any] = copy.deepcopy(dict(vc))
    iss = payload.get("iss")
    if iss is not None:
        if not isinstance(iss, str):
            raise ParseError("jose.claim_invalid", "JWT claim iss must be a string",
                             message_nl="JWT-claim iss moet tekst zijn", pointer="/iss")
        issuer = doc.get("issuer")
        named = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        if named is not None and named != iss:
            raise SignatureError("jose.iss_mismatch", "iss is not the credential's issuer",
                                 message_nl="iss is niet de uitgever van het bewijs",
                                 pointer="/vc/issuer")
        doc["issuer"] = {**issuer, "id": iss} if isinstance(issuer, Mapping) else iss
    if "nbf" in payload:
        doc["issuanceDate"] = _date(payload["nbf"], "nbf")
    if "exp" in payload:
        doc["expirationDate"] = _date(payload["exp"], "exp")
    if "jti" in payload:
        doc["id"] = payload["jti"]
    sub = payload.get("sub")
    subject = doc.get("credentialSubject")
    if sub is not None and isinstance(subject, Mapping):
        if subject.get("id", sub) != sub:
            raise ParseError("jose.sub_mismatch", "sub is not credentialSubject.id",
                             message_nl="sub is niet credentialSubject.id",
                             pointer="/vc/credentialSubject/id")
        doc["credentialSubject"] = {**subject, "id": sub}
    return doc


def parse_jwt_vc(token: str, *, max_bytes: int = MAX_TOKEN_BYTES) -> Jws:
    """The compact JWS of a ``jwt_vc_json`` credential: ``typ`` ``JWT`` or absent."""
    jws = parse_compact(token, max_bytes=max_bytes)
    if jws.header.get("typ", "JWT") != "JWT":
        raise PolicyError("jose.typ_mismatch",
                          f"JWS typ {jws.header.get('typ')!r} is not JWT",
                          message_nl=f"JWS-typ {jws.header.get('typ')!r} is niet JWT")
    return jws


def verify_jwt_vc(
    token: str, *, resolver: DidResolver | None = None, key: PublicKey | None = None,
    require_controller: bool = True, max_bytes: int = MAX_TOKEN_BYTES,
) -> VerifiedJwt:
    """Verify a ``jwt_vc_json`` signature and key control; raises precise errors."""
    jws = parse_jwt_vc(token, max_bytes=max_bytes)
    payload = jws.claims()
    document = credential_from_vc_claim(payload)
    issuer = document.get("issuer")
    owner = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if not isinstance(owner, str) or not owner:
        raise SignatureError("jose.issuer_missing", "the credential names no issuer",
                             message_nl="het bewijs noemt geen uitgever", pointer="/iss")
    kid = jws.header.get("kid")
    if key is not None:
        method = ResolvedMethod(kid if isinstance(kid, str) else "", owner, key)
    else:
        if not isinstance(kid, str) or not kid:
            raise SignatureError("jose.kid_missing", "the JWS header has no kid",
                                 message_nl="de JWS-header heeft geen kid")
        if kid.startswith("#"):
            kid = owner + kid
        method = proof_method(kid, "assertionMethod", resolver=resolver)
        if require_controller and method.controller != owner:
            raise SignatureError("jose.method_not_controlled",
                                 f"key {method.id!r} is not controlled by {owner!r}",
                                 message_nl=f"sleutel {method.id!r} valt niet onder {owner!r}")
    jws.verify(method.public_key)
    return VerifiedJwt(dict(jws.header), payload, document, method)
