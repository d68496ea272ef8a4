"""Disclosures and their digests (RFC 9901 §4.2).

A Disclosure is the base64url encoding of a JSON array: ``[salt, claim_name, claim_value]`` for
an object property (§4.2.1) or ``[salt, value]`` for an array element (§4.2.2). Its digest is
``base64url(hash(ASCII(disclosure)))`` over the *encoded* string (§4.2.3), with the hash named
by ``_sd_alg`` (§4.1.1, IANA "Named Information Hash Algorithm" names; default ``sha-256``).

Decoding is strict: valid unpadded base64url, a JSON array of two or three members, a string
salt, a string claim name that is not one of the reserved names ``_sd`` and ``...`` (§7.1,
step 3.3.2.2), and no duplicate member names in any JSON object of the value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rotonde.errors import ParseError
from rotonde.sdjwt._fast import b64u, b64u_decode, disclosure_text, loads

__all__ = [
    "DEFAULT_SD_ALG",
    "HASH_ALGORITHMS",
    "RESERVED_NAMES",
    "Disclosure",
    "decode_disclosure",
    "digest",
    "hash_function",
    "make_disclosure",
]

#: ``_sd_alg`` when the payload has none (RFC 9901 §4.1.1).
DEFAULT_SD_ALG = "sha-256"
#: Supported ``_sd_alg`` values (IANA Named Information Hash Algorithm Registry).
HASH_ALGORITHMS: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
#: Claim names a Disclosure must never carry (RFC 9901 §4.2.1, §7.1 step 3.3.2.2).
RESERVED_NAMES = frozenset({"_sd", "..."})

_MAX_DISCLOSURE_DEPTH = 32
_sha256 = hashlib.sha256


def hash_function(sd_alg: object) -> Callable[[bytes], Any]:
    """The hash function for an ``_sd_alg`` value; ``sdjwt.hash_alg_unsupported`` otherwise."""
    fn = HASH_ALGORITHMS.get(sd_alg) if isinstance(sd_alg, str) else None
    if fn is None:
        raise ParseError(
            "sdjwt.hash_alg_unsupported",
            f"_sd_alg {sd_alg!r} is not supported (sha-256, sha-384, sha-512)",
            message_nl=f"_sd_alg {sd_alg!r} wordt niet ondersteund (sha-256, sha-384, sha-512)",
            pointer="_sd_alg",
        )
    return fn


def digest(encoded: str, sd_alg: str = DEFAULT_SD_ALG) -> str:
    """``base64url(hash(ASCII(encoded)))`` (RFC 9901 §4.2.3)."""
    fn = _sha256 if sd_alg == DEFAULT_SD_ALG else hash_function(sd_alg)
    return b64u(fn(encoded.encode("ascii")).digest())


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One decoded Disclosure. ``name`` is ``None`` for an array element Disclosure."""

    salt: str
    name: str | None
    value: Any
    encoded: str

    def digest(self, sd_alg: str = DEFAULT_SD_ALG) -> str:
        return digest(self.encoded, sd_alg)


def make_disclosure(salt: str, name: str | None, value: Any) -> Disclosure:
    """Encode a new Disclosure (RFC 9901 §4.2.1/§4.2.2); ``name=None`` for an array element.

    The JSON text uses the spacing of the RFC's examples; verifiers hash the encoded string,
    so any valid JSON text is interoperable.
    """
    if name is not None and name in RESERVED_NAMES:
        raise ParseError(
            "sdjwt.reserved_claim_name",
            f"claim name {name!r} is reserved and cannot be disclosed",
            message_nl=f"claimnaam {name!r} is gereserveerd en kan niet worden onthuld",
            pointer=name,
        )
    return Disclosure(salt, name, value, b64u(disclosure_text(salt, name, value).encode()))


def _bad(message: str, message_nl: str, code: str = "sdjwt.disclosure_malformed") -> ParseError:
    return ParseError(code, message, message_nl=message_nl)


def decode_disclosure(encoded: str) -> Disclosure:
    """Decode and check one Disclosure; raises :class:`ParseError` with a precise code."""
    if not isinstance(encoded, str) or not encoded:
        raise _bad("Disclosure is empty", "Disclosure is leeg")
    raw = b64u_decode(encoded, "Disclosure")
    try:
        value = loads(raw, "Disclosure", _MAX_DISCLOSURE_DEPTH)
    except ParseError as exc:
        if exc.code == "json.too_deep":
            raise
        raise _bad(
            f"Disclosure is not valid JSON: {exc.message}",
            f"Disclosure is geen geldige JSON: {exc.message}",
        ) from None
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise _bad(
            "Disclosure must be a JSON array of two or three members",
            "Disclosure moet een JSON-array van twee of drie leden zijn",
        )
    salt = value[0]
    if not isinstance(salt, str):
        raise _bad("Disclosure salt must be a string", "salt van Disclosure moet tekst zijn")
    if len(value) == 2:
        return Disclosure(salt, None, value[1], encoded)
    name = value[1]
    if not isinstance(name, str):
        raise _bad(
            "Disclosure claim name must be a string", "claimnaam van Disclosure moet tekst zijn"
        )
    if name in RESERVED_NAMES:
        raise ParseError(
            "sdjwt.reserved_claim_name",
            f"Disclosure uses the reserved claim name {name!r}",
            message_nl=f"Disclosure gebruikt de gereserveerde claimnaam {name!r}",
            pointer=name,
        )
    return Disclosure(salt, name, value[2], encoded)
