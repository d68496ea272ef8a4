"""Verifying SD-JWTs and SD-JWT+KB presentations (RFC 9901 §7).

The low-level API raises a :class:`~rotonde.errors.RotondeError` with a precise code at the
first problem; :func:`rotonde.verify.sdjwt.verify_sdjwt` runs the same steps as named checks
and returns a report instead. The steps, each usable on its own:

* :func:`rotonde.sdjwt.parse` — structure, JOSE policy, Disclosure decoding (§4, §8);
* :func:`verify_issuer_signature` — the Issuer-signed JWT (§7.1 step 2);
* :func:`process_disclosures` — digest resolution (§7.1 step 3-5);
* :func:`check_time_claims` — ``exp``/``nbf``/``iat`` with leeway (§7.1 step 6, RFC 7519 §4.1);
* :func:`verify_key_binding` — the KB-JWT (§7.3): ``typ`` ``kb+jwt``, signature by the
  ``cnf`` key, ``iat`` window, ``nonce``, ``aud`` and ``sd_hash``.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from hashlib import sha256
from math import isfinite
from typing import Any, TypeAlias

from rotonde.clock import Clock, SystemClock
from rotonde.encoding import b64url_decode, b64url_encode
from rotonde.errors import KeyFormatError, RotondeError, SignatureError, ValidationError
from rotonde.jws import MAX_TOKEN_BYTES, Jws, decode_header, parse_compact
from rotonde.keys import PublicKey, public_key_from_jwk
from rotonde.sdjwt._fast import loads
from rotonde.sdjwt._paths import format_path
from rotonde.sdjwt._process import Processed, process
from rotonde.sdjwt.disclosure import DEFAULT_SD_ALG, RESERVED_NAMES, Disclosure, digest
from rotonde.sdjwt.parse import MAX_DISCLOSURES, SdJwt, parse
from rotonde.sdjwt.vc import ACCEPTED_TYPS, check_vc_claims

__all__ = [
    "KB_TYP",
    "IssuerKey",
    "KeyBinding",
    "VerifiedSdJwt",
    "check_time_claims",
    "holder_public_key",
    "process_disclosures",
    "verify",
    "verify_issuer_signature",
    "verify_key_binding",
]

KB_TYP = "kb+jwt"
#: A key, or a callable ``(header, payload) -> PublicKey`` that finds one (``kid``, ``iss``).
IssuerKey: TypeAlias = PublicKey | Callable[[dict[str, Any], dict[str, Any]], PublicKey]


@dataclass(frozen=True, slots=True)
class KeyBinding:
    """A verified KB-JWT: its header and claims (``iat``, ``aud``, ``nonce``, ``sd_hash``)."""

    header: dict[str, Any]
    claims: dict[str, Any]
    holder_key: PublicKey


@dataclass(frozen=True, slots=True)
class VerifiedSdJwt:
    """The result of :func:`verify`. ``claims`` is the processed payload (§7.1 step 3.5).

    ``source`` is the verified input: the parsed :class:`SdJwt`, or the compact text when the
    one-pass path verified it; :attr:`sd_jwt` parses that text on first use.
    """

    claims: dict[str, Any]
    header: dict[str, Any]
    source: SdJwt | str
    disclosed: tuple[str, ...]
    key_binding: KeyBinding | None
    issuer_key: PublicKey

    @property
    def sd_jwt(self) -> SdJwt:
        """The presented SD-JWT (+KB), parsed."""
        if isinstance(self.source, SdJwt):
            return self.source
        parsed = parse(self.source)
        object.__setattr__(self, "source", parsed)
        return parsed


def verify_issuer_signature(sd: SdJwt, issuer_key: IssuerKey) -> PublicKey:
    """Verify the Issuer-signed JWT; with several JSON signatures one valid one suffices."""
    error: RotondeError | None = None
    for index, jws in enumerate(sd.signatures or (sd.jws,)):
        try:
            if isinstance(issuer_key, PublicKey):
                key = issuer_key
            else:
                header = {**sd.unprotected[index], **jws.header} if sd.unprotected else jws.header
                key = issuer_key(header, sd.payload)
            jws.verify(key)
            return key
        except RotondeError as exc:
            error = error or exc
    assert error is not None
    raise error


def process_disclosures(sd: SdJwt, *, collect_paths: bool = False) -> Processed:
    """Resolve the Disclosures against the payload's digests (RFC 9901 §7.1 step 3-5)."""
    return process(sd.payload, sd.disclosures, sd.sd_alg, collect_paths=collect_paths)


def _finite(value: float) -> bool:
    """``math.isfinite`` that is also false for JSON integers too large for a float."""
    try:
        return isfinite(value)
    except OverflowError:
        return False


def _number(claims: dict[str, Any], name: str, where: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
        raise ValidationError(
            "validity.claim_malformed", f"{where} claim {name!r} must be a NumericDate",
            message_nl=f"{where}-claim {name!r} moet een NumericDate zijn", pointer=name,
        )
    return float(value)


def check_time_claims(
    claims: dict[str, Any], *, clock: Clock | None = None, leeway: float = 60.0
) -> None:
    """``exp``, ``nbf`` and ``iat`` against the clock (RFC 7519 §4.1.4-4.1.6)."""
    now = (clock or SystemClock()).now()
    exp = _number(claims, "exp", "SD-JWT")
    nbf = _number(claims, "nbf", "SD-JWT")
    iat = _number(claims, "iat", "SD-JWT")
    if exp is not None and now > exp + leeway:
        raise ValidationError(
            "validity.expired", "the credential has expired",
            message_nl="het bewijs is verlopen", pointer="exp", detail={"exp": exp},
        )
    if nbf is not None and now + leeway < nbf:
        raise ValidationError(
            "validity.not_yet_valid", "the credential is not yet valid",
            message_nl="het bewijs is nog niet geldig", pointer="nbf", detail={"nbf": nbf},
        )
    if iat is not None and now + leeway < iat:
        raise ValidationError(
            "validity.issued_in_future", "the credential was issued in the future",
            message_nl="het bewijs is in de toekomst uitgegeven", pointer="iat",
            detail={"iat": iat},
        )


@lru_cache(maxsize=256)
def _cached_key(kty: str, crv: str, x: str, y: str | None) -> PublicKey:
    jwk = {"kty": kty, "crv": crv, "x": x}
    if y is not None:
        jwk["y"] = y
    return public_key_from_jwk(jwk)


def holder_public_key(claims: dict[str, Any]) -> PublicKey:
    """The holder key from ``cnf.jwk`` (RFC 7800 §3.2); imports are cached."""
    cnf = claims.get("cnf")
    if cnf is None:
        raise ValidationError(
            "sdjwt.cnf_missing", "the SD-JWT has no 'cnf' holder key for key binding",
            message_nl="de SD-JWT heeft geen 'cnf'-houdersleutel voor sleutelbinding",
            pointer="cnf",
        )
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    if not isinstance(jwk, dict):
        raise KeyFormatError(
            "sdjwt.cnf_unsupported", "'cnf' must contain a 'jwk' object",
            message_nl="'cnf' moet een 'jwk'-object bevatten", pointer="cnf",
        )
    kty, crv, x, y = (jwk.get(k) for k in ("kty", "crv", "x", "y"))
    if not (isinstance(kty, str) and isinstance(crv, str) and isinstance(x, str)) or not (
        y is None or isinstance(y, str)
    ):
        return public_key_from_jwk(jwk)  # raises the precise key error
    if jwk.get("alg") is not None or "d" in jwk:
        return public_key_from_jwk(jwk)
    return _cached_key(kty, crv, x, y)


def _kb_missing() -> ValidationError:
    return ValidationError(
        "sdjwt.kb_missing", "key binding is required but the SD-JWT has no KB-JWT",
        message_nl="sleutelbinding is vereist maar de SD-JWT heeft geen KB-JWT",
    )


def _kb_claim(claims: dict[str, Any], name: str, kind: type) -> Any:
    value = claims.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValidationError(
            f"sdjwt.kb_{name}_missing", f"KB-JWT claim {name!r} is missing or malformed",
            message_nl=f"KB-JWT-claim {name!r} ontbreekt of is onjuist", pointer=f"kb_jwt.{name}",
        )
    return value


def verify_key_binding(
    sd: SdJwt,
    holder_key: PublicKey,
    *,
    nonce: str | None = None,
    aud: str | None = None,
    clock: Clock | None = None,
    leeway: float = 60.0,
    max_age: float = 300.0,
    max_bytes: int = MAX_TOKEN_BYTES,
) -> KeyBinding:
    """Verify the KB-JWT of an SD-JWT+KB (RFC 9901 §7.3 step 5)."""
    if sd.kb_jwt is None:
        raise _kb_missing()
    jws: Jws = parse_compact(sd.kb_jwt, typ=KB_TYP, max_bytes=max_bytes)
    try:
        jws.verify(holder_key)
    except SignatureError as exc:
        raise SignatureError(
            "sdjwt.kb_signature_invalid",
            f"KB-JWT signature does not verify with the cnf key ({exc.code})",
            message_nl=f"handtekening van de KB-JWT klopt niet met de cnf-sleutel ({exc.code})",
            pointer="kb_jwt",
        ) from None
    claims = loads(jws.payload_bytes, "KB-JWT payload", 8)
    if not isinstance(claims, dict):
        raise ValidationError(
            "sdjwt.kb_malformed", "KB-JWT payload is not a JSON object",
            message_nl="KB-JWT-payload is geen JSON-object", pointer="kb_jwt",
        )
    iat = _kb_claim(claims, "iat", (int, float))  # type: ignore[arg-type]
    if not _finite(iat):
        raise ValidationError(
            "sdjwt.kb_iat_missing", "KB-JWT claim 'iat' is not a finite number",
            message_nl="KB-JWT-claim 'iat' is geen eindig getal", pointer="kb_jwt.iat",
        )
    got_aud = _kb_claim(claims, "aud", str)
    got_nonce = _kb_claim(claims, "nonce", str)
    sd_hash = _kb_claim(claims, "sd_hash", str)
    expected = digest(sd.compact_without_kb(), sd.sd_alg)
    if not hmac.compare_digest(sd_hash.encode(), expected.encode()):
        raise SignatureError(
            "sdjwt.kb_sd_hash_mismatch",
            "KB-JWT sd_hash does not match the presented SD-JWT",
            message_nl="sd_hash van de KB-JWT past niet bij de getoonde SD-JWT",
            pointer="kb_jwt.sd_hash",
        )
    if nonce is not None and not hmac.compare_digest(got_nonce.encode(), nonce.encode()):
        raise ValidationError(
            "sdjwt.kb_nonce_mismatch", "KB-JWT nonce is not the expected nonce",
            message_nl="nonce van de KB-JWT is niet de verwachte nonce",
            pointer="kb_jwt.nonce",
        )
    if aud is not None and got_aud != aud:
        raise ValidationError(
            "sdjwt.kb_aud_mismatch", "KB-JWT audience is not this verifier",
            message_nl="doelgroep (aud) van de KB-JWT is niet deze verificateur",
            pointer="kb_jwt.aud",
        )
    now = (clock or SystemClock()).now()
    if iat > now + leeway or iat < now - max_age - leeway:
        raise ValidationError(
            "sdjwt.kb_iat_out_of_window",
            f"KB-JWT iat is not within the last {int(max_age)} seconds",
            message_nl=f"iat van de KB-JWT ligt niet binnen de laatste {int(max_age)} seconden",
            pointer="kb_jwt.iat",
            detail={"iat": iat, "now": now},
        )
    return KeyBinding(jws.header, claims, holder_key)


def verify(
    sd_jwt: str | bytes | SdJwt,
    *,
    issuer_key: IssuerKey,
    nonce: str | None = None,
    aud: str | None = None,
    require_key_binding: bool = False,
    clock: Clock | None = None,
    leeway: float = 60.0,
    max_bytes: int = 65536,
    typ: str | Iterable[str] | None = None,
    kb_max_age: float = 300.0,
) -> VerifiedSdJwt:
    """Verify an SD-JWT or SD-JWT+KB and return its processed claims; raise on any problem.

    Key binding is required when ``require_key_binding``, ``nonce`` or ``aud`` is given; a
    KB-JWT that is present is always checked. A token whose ``typ`` is ``dc+sd-jwt`` (or
    ``vc+sd-jwt``) must also satisfy the SD-JWT VC profile
    (:func:`~rotonde.sdjwt.vc.check_vc_claims`). ``typ`` restricts the Issuer-signed JWT's
    ``typ`` header (``None``: any).
    """
    clock = clock or SystemClock()
    allowed = {typ} if isinstance(typ, str) else (set(typ) if typ is not None else None)
    if type(sd_jwt) is str and isinstance(issuer_key, PublicKey):
        fast = _verify_one_pass(sd_jwt, issuer_key, allowed, nonce, aud, require_key_binding,
                                clock, leeway, max_bytes, kb_max_age)
        if fast is not None:
            return fast
    sd = sd_jwt if isinstance(sd_jwt, SdJwt) else parse(sd_jwt, typ=allowed, max_bytes=max_bytes)
    key = verify_issuer_signature(sd, issuer_key)
    processed = process_disclosures(sd)
    claims = processed.claims
    if isinstance(sd.header.get("typ"), str) and sd.header["typ"] in ACCEPTED_TYPS:
        check_vc_claims(sd.payload, (p[0] for p, _, _ in processed.disclosed))
    check_time_claims(claims, clock=clock, leeway=leeway)
    binding: KeyBinding | None = None
    if sd.kb_jwt is None and (require_key_binding or nonce is not None or aud is not None):
        raise _kb_missing()
    if sd.kb_jwt is not None:
        binding = verify_key_binding(
            sd, holder_public_key(claims), nonce=nonce, aud=aud, clock=clock, leeway=leeway,
            max_age=kb_max_age, max_bytes=max_bytes,
        )
    disclosed = tuple(format_path(p) for p, _, _ in processed.disclosed)
    return VerifiedSdJwt(claims, sd.header, sd, disclosed, binding, key)


_WHITESPACE = frozenset(" \t\r\n")


def _verify_one_pass(
    token: str,
    issuer_key: PublicKey,
    allowed: set[str] | None,
    nonce: str | None,
    aud: str | None,
    require_key_binding: bool,
    clock: Clock,
    leeway: float,
    max_bytes: int,
    kb_max_age: float,
) -> VerifiedSdJwt | None:
    """The common case of :func:`verify` in one pass: a compact SD-JWT(+KB) with ``sha-256``
    digests, no ``crit`` header and a given issuer key.

    It makes the checks of the step functions over one split of the text, without
    intermediate objects, and runs the two signature verifications back to back. It never
    reports a problem itself: on anything unusual or wrong it returns ``None`` and
    :func:`verify` runs the step functions, which raise the precise error. The one exception
    is an invalid issuer signature: the step functions check it right after parsing, so
    their error is this one. ``tests/core/sdjwt/test_one_pass.py`` proves the routes agree.
    """
    if len(token) > max_bytes or not token or token[0] in _WHITESPACE or token[-1] in _WHITESPACE:
        return None
    parts = token.split("~")
    if len(parts) < 2 or len(parts) - 2 > MAX_DISCLOSURES:
        return None
    jwt, kb = parts[0], parts[-1]
    segments = jwt.split(".")
    if len(segments) != 3:
        return None
    h64, p64, s64 = segments
    try:
        header = decode_header(h64)
        typ = header.get("typ")
        if (
            header.get("alg") != issuer_key.alg
            or "crit" in header
            or (allowed is not None and (type(typ) is not str or typ not in allowed))
        ):
            return None
        payload = loads(b64url_decode(p64, what="JWS payload"), "SD-JWT payload", 48)
        signature = b64url_decode(s64, what="JWS signature")
        if type(payload) is not dict or payload.get("_sd_alg", DEFAULT_SD_ALG) != DEFAULT_SD_ALG:
            return None
        by_digest = _disclosures_one_pass(parts)
        if by_digest is None:
            return None
        processed = process(payload, by_digest, DEFAULT_SD_ALG)
        claims = processed.claims
        if type(typ) is str and typ in ACCEPTED_TYPS:
            check_vc_claims(payload, [path[0] for path, _, _ in processed.disclosed])
        check_time_claims(claims, clock=clock, leeway=leeway)
        kb_parts = None
        if kb:
            holder_key = holder_public_key(claims)
            kb_parts = _kb_parts_one_pass(kb, holder_key)
            if kb_parts is None:
                return None
        elif require_key_binding or nonce is not None or aud is not None:
            return None
    except (RotondeError, IndexError):
        return None
    issuer_key.verify(signature, jwt[: len(h64) + 1 + len(p64)].encode("ascii"))
    binding = None
    if kb_parts is not None:
        kb_header, kb_input, kb_signature, kb_claims = kb_parts
        try:
            holder_key.verify(kb_signature, kb_input)
        except SignatureError:
            return None
        now = clock.now()
        iat = kb_claims["iat"]
        expected = b64url_encode(sha256(token[: len(token) - len(kb)].encode("ascii")).digest())
        if (
            not hmac.compare_digest(kb_claims["sd_hash"].encode(), expected.encode())
            or (nonce is not None
                and not hmac.compare_digest(kb_claims["nonce"].encode(), nonce.encode()))
            or (aud is not None and kb_claims["aud"] != aud)
            or iat > now + leeway
            or iat < now - kb_max_age - leeway
        ):
            return None
        binding = KeyBinding(kb_header, kb_claims, holder_key)
    disclosed = tuple([".".join(path) for path, _, _ in processed.disclosed])
    return VerifiedSdJwt(claims, header, token, disclosed, binding, issuer_key)


def _disclosures_one_pass(parts: list[str]) -> dict[str, Disclosure] | None:
    """The Disclosures between the first and last part, by ``sha-256`` digest; ``None`` for
    anything :func:`~rotonde.sdjwt.decode_disclosure` would refuse or a repeated digest."""
    by_digest: dict[str, Disclosure] = {}
    for encoded in parts[1:-1]:
        value = loads(b64url_decode(encoded, what="Disclosure"), "Disclosure", 32)
        if type(value) is not list or type(value[0]) is not str:
            return None
        if len(value) == 2:
            disclosure = Disclosure(value[0], None, value[1], encoded)
        elif len(value) == 3 and type(value[1]) is str and value[1] not in RESERVED_NAMES:
            disclosure = Disclosure(value[0], value[1], value[2], encoded)
        else:
            return None
        key = b64url_encode(sha256(encoded.encode("ascii")).digest())
        if key in by_digest:
            return None
        by_digest[key] = disclosure
    return by_digest


def _kb_parts_one_pass(
    kb: str, holder_key: PublicKey
) -> tuple[dict[str, Any], bytes, bytes, dict[str, Any]] | None:
    """Header, signing input, signature and claims of a KB-JWT whose structure, header and
    claim types :func:`verify_key_binding` would accept; ``None`` otherwise."""
    segments = kb.split(".")
    if len(segments) != 3:
        return None
    h64, p64, s64 = segments
    header = decode_header(h64)
    if header.get("typ") != KB_TYP or header.get("alg") != holder_key.alg or "crit" in header:
        return None
    signature = b64url_decode(s64, what="JWS signature")
    claims = loads(b64url_decode(p64, what="JWS payload"), "KB-JWT payload", 8)
    if type(claims) is not dict:
        return None
    iat: Any = claims.get("iat")
    if (
        type(iat) not in (int, float)
        or not _finite(iat)
        or type(claims.get("aud")) is not str
        or type(claims.get("nonce")) is not str
        or type(claims.get("sd_hash")) is not str
    ):
        return None
    return header, kb[: len(h64) + 1 + len(p64)].encode("ascii"), signature, claims
