"""Verify ``vc+jwt`` and ``vp+jwt`` (VC-JOSE-COSE §3.1) into a :class:`VerificationReport`.

* ``parse``: compact JWS with the allow-listed algorithms and the expected ``typ``
  (:mod:`rotonde.jws`), payload a JSON object without ``vc``/``vp`` claims, the payload
  (minus JWT claims) a valid VCDM 2.0 credential or presentation.
* ``signature``: ``kid`` resolved through the DID resolver, authorised for
  ``assertionMethod``/``authentication`` and controlled by the issuer/holder
  (:func:`rotonde.jose.verify_vc_jwt`); ``options.issuer_key`` pins the key instead.
* ``holder_binding`` (``vp+jwt``): payload ``nonce`` and ``aud`` equal ``options.nonce``
  (or ``challenge``) and ``options.audience`` (or ``domain``).
* ``validity``: ``validFrom``/``validUntil`` and JWT ``nbf``/``exp``; ``status``, ``trust``,
  ``schema`` as for Data Integrity (:func:`rotonde.verify.ldp.common_checks`).

``jwt_vc_json`` (a JWT whose ``vc`` claim is a VCDM 1.1 credential, VCDM 1.1 §6.3.1) is read
the same way, through :mod:`rotonde.jwt_vc`: the credential is decoded from the claims, must be a
valid VCDM 1.1 credential, and is bounded by ``issuanceDate``/``expirationDate`` (= ``nbf``/
``exp``).
"""

from __future__ import annotations

from typing import Any

from rotonde.credential import validate_credential
from rotonde.errors import ParseError, Problem, RotondeError, SignatureError, ValidationError
from rotonde.formats import detect
from rotonde.jose import verify_vc_jwt, verify_vp_jwt
from rotonde.jws import parse_compact
from rotonde.keyresolve import resolver_for
from rotonde.presentation import validate_presentation
from rotonde.verify.ldp import common_checks, embedded_checks, internal_error
from rotonde.verify.options import VerifyOptions
from rotonde.verify.report import ReportBuilder, VerificationReport

__all__ = ["verify_jose"]

_JWT_CLAIMS = ("nonce", "aud", "iat", "exp", "nbf", "jti", "iss", "sub")
#: The report format of a VCDM 1.1 JWT credential (OpenID4VCI 1.0 Appendix A.1.1).
JWT_VC_JSON = "jwt_vc_json"


def _typ(token: str) -> str:
    try:
        fmt = detect(token)
    except RotondeError:
        return "vc+jwt"
    if fmt == "jwt":
        return JWT_VC_JSON
    return fmt if fmt in ("vc+jwt", "vp+jwt") else "vc+jwt"


def _holder_binding(builder: ReportBuilder, payload: dict[str, Any],
                    options: VerifyOptions) -> None:
    nonce = options.nonce if options.nonce is not None else options.challenge
    audience = options.audience if options.audience is not None else options.domain
    if nonce is None and audience is None and not options.require_holder_binding:
        builder.skip("holder_binding", Problem(
            "holder_binding.not_requested", "no nonce or audience was given to check",
            "er is geen nonce of doelgroep opgegeven om te controleren"))
        return
    with builder.run("holder_binding") as info:
        if builder.failed("signature"):
            raise SignatureError("holder_binding.missing", "presentation signature did not verify",
                                 message_nl="handtekening van de presentatie klopt niet")
        if nonce is None:
            raise SignatureError("holder_binding.no_challenge",
                                 "holder binding requires the verifier's nonce",
                                 message_nl="holderbinding vereist de nonce van de verifier")
        if payload.get("nonce") != nonce:
            raise SignatureError("holder_binding.nonce_mismatch",
                                 "presentation nonce does not match",
                                 message_nl="nonce van de presentatie klopt niet", pointer="/nonce")
        aud = payload.get("aud")
        if audience is not None and not (aud == audience
                                         or (isinstance(aud, list) and audience in aud)):
            raise SignatureError("holder_binding.audience_mismatch",
                                 "presentation audience does not match",
                                 message_nl="doelgroep (aud) van de presentatie klopt niet",
                                 pointer="/aud")
        info["nonce"] = nonce


def _jwt_bounds(payload: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name in ("nbf", "exp"):
        if name in payload:
            value = payload[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    -(2**53) <= value <= 2**53):  # also: float() of a huge int overflows
                raise ValidationError("jose.claim_invalid", f"JWT claim {name} must be a number",
                                      message_nl=f"JWT-claim {name} moet een getal zijn",
                                      pointer=f"/{name}")
            out[name] = float(value)
    return out


def verify_jose(data: Any, options: VerifyOptions) -> VerificationReport:
    """Verify a ``vc+jwt`` or ``vp+jwt`` compact token; never raises for bad input."""
    token = data.strip() if isinstance(data, str) else data
    typ = _typ(token) if isinstance(token, str) else "vc+jwt"
    builder = ReportBuilder(typ)
    try:
        _run(builder, token, typ, options)
    except Exception as exc:  # pragma: no cover - the report must always come back
        builder.fail("parse", internal_error(exc))
    return builder.build()


def _run_jwt_vc_json(builder: ReportBuilder, token: str, options: VerifyOptions) -> None:
    """VCDM 1.1 §6.3.1: ``parse`` (the ``vc`` claim decoded into a valid 1.1 credential),
    ``signature``, then the checks every credential gets."""
    from rotonde.jwt_vc import credential_from_vc_claim, parse_jwt_vc, verify_jwt_vc

    document: dict[str, Any] = {}
    bounds: dict[str, float] = {}
    with builder.run("parse"):
        payload = parse_jwt_vc(token, max_bytes=options.max_bytes).claims()
        document = credential_from_vc_claim(payload)
        problems = validate_credential(document)
        if problems:
            raise ValidationError(problems=problems)
        bounds = _jwt_bounds(payload)
    if builder.failed("parse"):
        return
    builder.claims = document
    with builder.run("signature") as info:
        verified = verify_jwt_vc(token, resolver=resolver_for(options), key=options.issuer_key,
                                 max_bytes=options.max_bytes,
                                 require_controller=options.require_controller)
        info["kid"] = verified.method.id
        info["controller"] = verified.method.controller
        info["alg"] = verified.header.get("alg")
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    builder.issuer = issuer_id if isinstance(issuer_id, str) else None
    builder.skip("holder_binding")
    common_checks(builder, document, options, JWT_VC_JSON, jwt_bounds=bounds)


def _run(builder: ReportBuilder, token: Any, typ: str, options: VerifyOptions) -> None:
    if typ == JWT_VC_JSON and isinstance(token, str):
        _run_jwt_vc_json(builder, token, options)
        return
    is_vp = typ == "vp+jwt"
    payload: dict[str, Any] = {}
    bounds: dict[str, float] = {}
    with builder.run("parse"):
        if not isinstance(token, str):
            raise ParseError("parse.not_string", "a JWT must be a string",
                             message_nl="een JWT moet tekst zijn")
        payload = parse_compact(token, typ=typ, max_bytes=options.max_bytes).claims()
        for name in ("vc", "vp"):
            if name in payload:  # VC-JOSE-COSE §3.1.1
                raise ParseError("jose.claim_forbidden",
                                 f"the JWT claim {name!r} must not be present",
                                 message_nl=f"de JWT-claim {name!r} mag niet aanwezig zijn",
                                 pointer=f"/{name}")
        document = {k: v for k, v in payload.items() if k not in _JWT_CLAIMS}
        problems = validate_presentation(document) if is_vp else validate_credential(document)
        if problems:
            raise ValidationError(problems=problems)
        bounds = _jwt_bounds(payload)
    if builder.failed("parse"):
        return
    document = {k: v for k, v in payload.items() if k not in _JWT_CLAIMS}
    builder.claims = document
    with builder.run("signature") as info:
        if is_vp:
            verified = verify_vp_jwt(
                token, resolver=resolver_for(options), max_bytes=options.max_bytes,
                require_controller=options.require_controller)
        else:
            verified = verify_vc_jwt(
                token, resolver=resolver_for(options), key=options.issuer_key,
                max_bytes=options.max_bytes,
                require_controller=options.require_controller)
        info["kid"] = verified.method.id
        info["controller"] = verified.method.controller
        info["alg"] = verified.header.get("alg")
    if is_vp:
        holder = document.get("holder")
        holder_id = holder.get("id") if isinstance(holder, dict) else holder
        builder.holder = {"id": holder_id} if isinstance(holder_id, str) else None
        _holder_binding(builder, payload, options)
        common_checks(builder, document, options, "vp+jwt", jwt_bounds=bounds)
        embedded_checks(builder, document, options)
    else:
        issuer = document.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        builder.issuer = issuer_id if isinstance(issuer_id, str) else None
        builder.skip("holder_binding")
        common_checks(builder, document, options, "vc+jwt", jwt_bounds=bounds)
