"""VCDM 1.1 credentials secured as a JWT with a ``vc`` claim (``jwt_vc_json``, OpenID4VCI 1.0
Appendix A.1.1, whose [VC_DATA] is VCDM 1.1): issued, read and verified (issue 15 B.1, D).

VCDM 1.1 §6.3.1 "JSON Web Token", JWT encoding (:func:`sign_jwt_vc`): the credential is the
``vc`` claim; ``iss`` is the issuer's id, ``sub`` the ``credentialSubject.id``, ``jti`` the
credential ``id``, ``nbf`` the ``issuanceDate`` and ``exp`` the ``expirationDate`` (as
NumericDate). The ``vc`` claim keeps those properties too, so a reader that ignores the
registered claims sees the same credential. :func:`vcdm11_from_v2` restates a VCDM 2.0
credential in VCDM 1.1 terms (base context, ``validFrom``/``validUntil`` as
``issuanceDate``/``expirationDate``). A VCDM 2.0 credential secured with JOSE is ``vc+jwt``
(VC-JOSE-COSE §3.1.1, :mod:`rotonde.jose`), a different format.

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
from rotonde.jws import MAX_TOKEN_BYTES, Jws, parse_compact, sign_compact
from rotonde.keys import PublicKey, Signer
from rotonde.proofs.data_integrity import proof_method

__all__ = ["credential_from_vc_claim", "parse_jwt_vc", "sign_jwt_vc", "vcdm11_from_v2",
           "verify_jwt_vc"]

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


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


def vcdm11_from_v2(credential: Mapping[str, Any]) -> dict[str, Any]:
    """``credential`` (VCDM 2.0) in VCDM 1.1 terms: the base context
    ``https://www.w3.org/2018/credentials/v1`` (VCDM 1.1 §4.1) in place of
    ``https://www.w3.org/ns/credentials/v2``, ``validFrom`` as ``issuanceDate`` (§4.6) and
    ``validUntil`` as ``expirationDate`` (§4.7); everything else unchanged. A credential
    without ``validFrom`` has no issuance date and is refused (``vc.issuance_date_missing``)."""
    doc = copy.deepcopy(dict(credential))
    contexts = doc.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_V2:
        raise ParseError("vc.context_invalid",
                         f"the first @context must be {VC_V2} to restate it in VCDM 1.1",
                         message_nl=f"de eerste @context moet {VC_V2} zijn",
                         pointer="/@context/0")
    if not isinstance(doc.get("validFrom"), str):
        raise ParseError("vc.issuance_date_missing",
                         "a VCDM 1.1 credential needs an issuanceDate (from validFrom)",
                         message_nl="een VCDM 1.1-bewijs heeft een issuanceDate nodig",
                         pointer="/validFrom")
    out: dict[str, Any] = {"@context": [VC_V1, *contexts[1:]]}
    for name, value in doc.items():
        if name == "@context":
            continue
        out[{"validFrom": "issuanceDate", "validUntil": "expirationDate"}.get(name, name)] = value
    return out


def _numeric_date(value: object, name: str) -> int:
    from rotonde.clock import parse_datetime

    if not isinstance(value, str):
        raise ParseError("vc.date_invalid", f"{name} must be a date-time string",
                         message_nl=f"{name} moet een datum-tijd zijn", pointer=f"/{name}")
    return int(parse_datetime(value).timestamp())


def sign_jwt_vc(credential: Mapping[str, Any], *, signer: Signer, kid: str | None = None,
                validate: bool = True) -> str:
    """Secure a VCDM 1.1 ``credential`` as a ``jwt_vc_json`` JWT (VCDM 1.1 §6.3.1, JWT
    encoding; header ``typ`` ``JWT``, RFC 7519 §5.1). ``kid`` defaults to the signer's key id."""
    doc = dict(credential)
    contexts = doc.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_V1:
        raise ParseError("vc.context_invalid", f"a jwt_vc_json credential's first @context is {VC_V1}",
                         message_nl=f"de eerste @context van een jwt_vc_json-bewijs is {VC_V1}",
                         pointer="/@context/0")
    if validate:
        from rotonde.credential import ensure_credential

        ensure_credential(doc)
    if "proof" in doc:
        raise ParseError("jose.embedded_proof", "a jwt_vc_json credential must not carry a proof",
                         message_nl="een jwt_vc_json-bewijs mag geen proof bevatten",
                         pointer="/proof")
    issuer = doc.get("issuer")
    iss = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if not isinstance(iss, str) or not iss:
        raise ParseError("jose.issuer_missing", "the credential names no issuer id",
                         message_nl="het bewijs noemt geen uitgever", pointer="/issuer")
    payload: dict[str, Any] = {"iss": iss,
                               "nbf": _numeric_date(doc.get("issuanceDate"), "issuanceDate")}
    if "expirationDate" in doc:
        payload["exp"] = _numeric_date(doc["expirationDate"], "expirationDate")
    if isinstance(doc.get("id"), str):
        payload["jti"] = doc["id"]
    subject = doc.get("credentialSubject")
    if isinstance(subject, Mapping) and isinstance(subject.get("id"), str):
        payload["sub"] = subject["id"]
    payload["vc"] = copy.deepcopy(doc)
    header: dict[str, Any] = {"typ": "JWT", "kid": kid or signer.kid}
    if not header["kid"]:
        raise ParseError("jose.kid_missing", "the signer has no key id for the JWS header",
                         message_nl="de ondertekenaar heeft geen sleutel-id")
    return sign_compact(header, payload, signer)
