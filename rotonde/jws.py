"""Compact JWS (RFC 7515 §7.1) with the Rotonde security defaults.

* Only ``ES256`` and ``EdDSA`` (docs/architecture.md §5); ``none`` and HMAC are refused before any key is
  touched, and the header ``alg`` must match the verification key's algorithm.
* ``crit`` (RFC 7515 §4.1.11) must only name extensions the caller says it understands.
* Size cap on the serialisation and a depth cap on header and payload JSON.

This is the one JWS implementation used by SD-JWT, Token Status Lists, ``vc+jwt`` and the
OpenID4VCI/OpenID4VP protocol JWTs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rotonde.encoding import b64url_decode, b64url_encode, json_depth, loads_json
from rotonde.errors import ParseError, PolicyError, SignatureError
from rotonde.keys import ALGORITHMS, PublicKey, Signer, check_algorithm

__all__ = ["MAX_TOKEN_BYTES", "Jws", "decode_header", "parse_compact", "sign_compact"]

#: Default cap on any compact serialisation Rotonde accepts (64 KiB).
MAX_TOKEN_BYTES = 64 * 1024


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _dumps(value: Any) -> bytes:
    return _ENCODER.encode(value).encode()


def sign_compact(
    header: Mapping[str, Any],
    payload: Mapping[str, Any] | bytes,
    signer: Signer,
) -> str:
    """Sign and serialise. ``alg`` is taken from the signer and ``kid`` added if it has one
    and the header has none."""
    hdr = dict(header)
    hdr["alg"] = signer.alg
    if signer.kid and "kid" not in hdr and "jwk" not in hdr:
        hdr["kid"] = signer.kid
    body = payload if isinstance(payload, bytes) else _dumps(payload)
    signing_input = _encoded_header(hdr) + "." + b64url_encode(body)
    return signing_input + "." + b64url_encode(signer.sign(signing_input.encode("ascii")))


#: Encoded protected headers by their members, for headers whose values are all strings
#: (``alg``, ``typ``, ``kid``): an issuer signs many tokens with the same header.
_ENCODED_HEADERS: dict[tuple[tuple[str, Any], ...], str] = {}


def _encoded_header(hdr: dict[str, Any]) -> str:
    key = tuple(hdr.items())
    try:
        return _ENCODED_HEADERS[key]  # only all-string headers are ever stored
    except (KeyError, TypeError):  # TypeError: an unhashable member value such as a JWK
        pass
    encoded = b64url_encode(_dumps(hdr))
    if len(key) <= 8 and all(type(v) is str for _, v in key):
        if len(_ENCODED_HEADERS) >= _HEADER_CACHE_SIZE:
            _ENCODED_HEADERS.clear()
        _ENCODED_HEADERS[key] = encoded
    return encoded


@dataclass(frozen=True, slots=True)
class Jws:
    """A parsed, not yet verified, compact JWS."""

    header: dict[str, Any]
    payload_bytes: bytes
    signing_input: bytes
    signature: bytes

    @property
    def alg(self) -> str:
        return str(self.header["alg"])

    def payload(self, *, max_depth: int = 64) -> Any:
        """The payload parsed as JSON (raises :class:`ParseError`)."""
        return loads_json(self.payload_bytes, what="JWS payload", max_depth=max_depth)

    def claims(self) -> dict[str, Any]:
        """The payload as a JSON object (a JWT claims set)."""
        value = self.payload()
        if not isinstance(value, dict):
            raise ParseError(
                "jose.payload_not_object", "JWT payload is not a JSON object",
                message_nl="JWT-payload is geen JSON-object",
            )
        return value

    def verify(self, key: PublicKey) -> None:
        """Check the signature with ``key``; the header ``alg`` must be the key's algorithm."""
        if self.header["alg"] != key.alg:
            raise SignatureError(
                "jose.alg_key_mismatch",
                f"header alg {self.header['alg']!r} does not match the {key.alg} key",
                message_nl=f"header-alg {self.header['alg']!r} past niet bij de {key.alg}-sleutel",
            )
        key.verify(self.signature, self.signing_input)


#: Decoded protected headers by their base64url text. Tokens from one issuer or holder repeat
#: the same header, so decoding it once is safe and saves work; callers get a copy.
_HEADERS: dict[str, dict[str, Any]] = {}
_HEADER_CACHE_SIZE = 512


def decode_header(h64: str) -> dict[str, Any]:
    """The protected header of a compact JWS from its base64url text (a fresh copy).

    Only structure is checked here (a JSON object); :func:`parse_compact` applies the policy.
    """
    cached = _HEADERS.get(h64)
    if cached is not None:
        return dict(cached)
    header = loads_json(b64url_decode(h64, what="JWS header"), what="JWS header", max_depth=8)
    if not isinstance(header, dict):
        raise ParseError(
            "jose.header_not_object", "JWS header is not a JSON object",
            message_nl="JWS-header is geen JSON-object",
        )
    if len(h64) <= 1024 and json_depth(header) <= 2:
        if len(_HEADERS) >= _HEADER_CACHE_SIZE:
            _HEADERS.clear()
        _HEADERS[h64] = dict(header)
    return header


def parse_compact(
    token: str | bytes,
    *,
    typ: str | Iterable[str] | None = None,
    understood_crit: Iterable[str] = (),
    max_bytes: int = MAX_TOKEN_BYTES,
) -> Jws:
    """Split and decode a compact JWS and check its header against the policy.

    Raises :class:`ParseError` for malformed input and :class:`PolicyError` for a forbidden
    ``alg``, a wrong ``typ`` or an unknown ``crit`` extension.
    """
    if isinstance(token, bytes):
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            raise ParseError(
                "jose.malformed", "JWS is not ASCII", message_nl="JWS is geen ASCII"
            ) from None
    if not isinstance(token, str):
        raise ParseError("jose.malformed", "JWS is not a string", message_nl="JWS is geen tekst")
    if len(token) > max_bytes:
        raise ParseError(
            "jose.too_large",
            f"JWS is larger than {max_bytes} bytes",
            message_nl=f"JWS is groter dan {max_bytes} bytes",
        )
    parts = token.split(".")
    if len(parts) != 3:
        raise ParseError(
            "jose.malformed",
            "compact JWS must have three dot-separated parts",
            message_nl="compacte JWS moet uit drie delen met punten bestaan",
        )
    h64, p64, s64 = parts
    header = decode_header(h64)
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in ALGORITHMS:  # unhashable JSON values too
        check_algorithm(alg)  # raises with the precise message
    if typ is not None:
        allowed = {typ} if isinstance(typ, str) else set(typ)
        if not isinstance(header.get("typ"), str) or header["typ"] not in allowed:
            raise PolicyError(
                "jose.typ_mismatch",
                f"JWS typ {header.get('typ')!r} is not {' or '.join(sorted(allowed))}",
                message_nl=f"JWS-typ {header.get('typ')!r} is niet {' of '.join(sorted(allowed))}",
            )
    if "crit" in header:
        crit = header["crit"]
        known = set(understood_crit)
        if (
            not isinstance(crit, list)
            or not crit
            or not all(isinstance(c, str) and c in header for c in crit)
        ):
            raise ParseError(
                "jose.crit_malformed", "JWS crit header is malformed",
                message_nl="JWS-crit-header is onjuist gevormd",
            )
        unknown = [c for c in crit if c not in known]
        if unknown:
            raise PolicyError(
                "jose.crit_unsupported",
                f"JWS names critical extensions that are not understood: {unknown}",
                message_nl=f"JWS noemt kritieke extensies die niet worden begrepen: {unknown}",
            )
    payload = b64url_decode(p64, what="JWS payload")
    signature = b64url_decode(s64, what="JWS signature")
    return Jws(header, payload, (h64 + "." + p64).encode("ascii"), signature)
