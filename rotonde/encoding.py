"""Strict encodings: base64url (RFC 4648 §5, unpadded), multibase, base58btc, bounded JSON.

Every decoder here fails closed with a :class:`~rotonde.errors.ParseError` naming the problem;
none of them silently skips characters the way :func:`base64.urlsafe_b64decode` does.
"""

from __future__ import annotations

import binascii
import json
from typing import Any

from rotonde.errors import ParseError

__all__ = [
    "MAX_BASE58",
    "MAX_JSON_DEPTH",
    "b58decode",
    "b58encode",
    "b64url_decode",
    "b64url_encode",
    "canonical_json",
    "json_depth",
    "loads_json",
    "multibase_decode",
    "multibase_encode",
]

#: Default cap on JSON nesting depth for untrusted input.
MAX_JSON_DEPTH = 64



_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")
_PADDING = (b"", b"", b"==", b"=")


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url (RFC 7515 §2, RFC 4648 §5)."""
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE, b"=").decode()


def b64url_decode(text: str | bytes, *, what: str = "value") -> bytes:
    """Decode unpadded base64url, rejecting padding, foreign characters and impossible lengths."""
    if isinstance(text, str):
        try:
            raw = text.encode("ascii")
        except UnicodeEncodeError:
            raise _b64_error(what) from None
    elif isinstance(text, (bytes, bytearray)):
        raw = bytes(text)
    else:
        raise _b64_error(what)
    # Map the URL-safe alphabet onto the standard one and delete '+', '/' and '=' in one pass:
    # a length change means the input held a byte that unpadded base64url never contains.
    standard = raw.translate(_FROM_URLSAFE, b"+/=")
    if len(standard) != len(raw) or len(raw) % 4 == 1:
        raise _b64_error(what)
    try:
        # strict_mode refuses every other byte outside the alphabet (whitespace included).
        return binascii.a2b_base64(standard + _PADDING[len(raw) % 4], strict_mode=True)
    except binascii.Error:
        raise _b64_error(what) from None


def _b64_error(what: str) -> ParseError:
    return ParseError(
        "encoding.base64url",
        f"{what} is not valid unpadded base64url",
        message_nl=f"{what} is geen geldige base64url zonder opvulling",
    )


#: Longest base58btc text :func:`b58decode` accepts unless told otherwise. Every base58 value
#: Rotonde reads is a key or a signature: a 64-byte Ed25519 signature is at most 88 characters,
#: a Multikey 48 (Ed25519) or 49 (compressed P-256), a secret Multikey 48. Decoding is quadratic
#: in the length (one big-integer multiplication per character: 62 KB took half a second, 1 MiB
#: minutes), so the length is checked before any work is done.
MAX_BASE58 = 128

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


def b58encode(data: bytes) -> str:
    """Base58 with the Bitcoin alphabet (draft-msporny-base58 §3)."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    num = int.from_bytes(data, "big")
    out: list[str] = []
    while num:
        num, rem = divmod(num, 58)
        out.append(_B58_ALPHABET[rem])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str, *, max_length: int = MAX_BASE58) -> bytes:
    """Inverse of :func:`b58encode`; raises :class:`ParseError` on a foreign character and
    (``encoding.too_long``) on text longer than ``max_length`` characters, before decoding."""
    if not isinstance(text, str):
        raise ParseError(
            "encoding.base58", "value is not valid base58btc",
            message_nl="waarde is geen geldige base58btc",
        )
    if len(text) > max_length:
        raise ParseError(
            "encoding.too_long",
            f"base58btc value is {len(text)} characters long, more than the {max_length} "
            "any key or signature needs",
            message_nl=f"base58btc-waarde is {len(text)} tekens lang, meer dan de {max_length} "
            "die een sleutel of handtekening nodig heeft",
            detail={"length": len(text), "max_length": max_length},
        )
    num = 0
    try:
        for ch in text:
            num = num * 58 + _B58_INDEX[ch]
    except KeyError:
        raise ParseError(
            "encoding.base58",
            "value is not valid base58btc",
            message_nl="waarde is geen geldige base58btc",
        ) from None
    zeros = len(text) - len(text.lstrip("1"))
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes, base: str = "base58btc") -> str:
    """Multibase string: ``z`` + base58btc or ``u`` + base64url (no padding)."""
    if base == "base58btc":
        return "z" + b58encode(data)
    if base == "base64url":
        return "u" + b64url_encode(data)
    raise ValueError(f"unsupported multibase {base!r}")


def multibase_decode(text: str, *, max_base58: int = MAX_BASE58) -> bytes:
    """Decode a ``z`` (base58btc) or ``u`` (base64url) multibase string; base58btc text longer
    than ``max_base58`` characters is refused before decoding (``encoding.too_long``)."""
    if not isinstance(text, str) or not text:
        raise ParseError(
            "encoding.multibase", "value is not a multibase string",
            message_nl="waarde is geen multibase-tekenreeks",
        )
    if text[0] == "z":
        return b58decode(text[1:], max_length=max_base58)
    if text[0] == "u":
        return b64url_decode(text[1:], what="multibase value")
    raise ParseError(
        "encoding.multibase",
        f"unsupported multibase prefix {text[0]!r}",
        message_nl=f"niet-ondersteund multibase-voorvoegsel {text[0]!r}",
    )


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (a scalar has depth 0), computed without recursion."""
    depth = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            level += 1
            depth = max(depth, level)
            stack.extend((v, level) for v in node.values())
        elif isinstance(node, list):
            level += 1
            depth = max(depth, level)
            stack.extend((v, level) for v in node)
    return depth


def _may_hold_surrogates(data: str | bytes) -> bool:
    """Only a ``\\uD8xx``-style escape (or, in text, a raw surrogate) can yield a lone one."""
    if isinstance(data, str):
        if "\\ud" in data or "\\uD" in data:
            return True
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    return b"\\ud" in data or b"\\uD" in data


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _brackets(data: str | bytes) -> int:
    if isinstance(data, str):
        return data.count("{") + data.count("[")
    return data.count(b"{") + data.count(b"[")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ParseError(
            "json.duplicate_member",
            f"JSON object has duplicate member {dup!r}",
            message_nl=f"JSON-object bevat dubbel lid {dup!r}",
        )
    return out


def loads_json(
    data: str | bytes,
    *,
    what: str = "JSON",
    max_depth: int = MAX_JSON_DEPTH,
    reject_duplicates: bool = False,
) -> Any:
    """Parse untrusted JSON with a depth cap; optionally reject duplicate member names."""
    try:
        value = json.loads(
            data, object_pairs_hook=_no_duplicates if reject_duplicates else None
        )
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(
            "json.too_deep", f"{what} is nested too deeply",
            message_nl=f"{what} is te diep genest",
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(
            "json.malformed", f"{what} is not valid JSON: {exc}",
            message_nl=f"{what} is geen geldige JSON: {exc}",
        ) from None
    if _may_hold_surrogates(data) and _has_lone_surrogate(value):
        raise ParseError(
            "json.lone_surrogate",
            f"{what} contains an unpaired UTF-16 surrogate (not allowed in I-JSON, RFC 7493 §2.1)",
            message_nl=f"{what} bevat een ongepaard UTF-16-surrogaat (niet toegestaan in I-JSON)",
        )
    # Cheap pre-check: a document with no more brackets than the cap cannot nest deeper.
    if (
        max_depth
        and isinstance(value, (dict, list))
        and _brackets(data) > max_depth
        and json_depth(value) > max_depth
    ):
        raise ParseError(
            "json.too_deep",
            f"{what} is nested deeper than {max_depth} levels",
            message_nl=f"{what} is dieper genest dan {max_depth} niveaus",
        )
    return value


def canonical_json(value: Any) -> bytes:
    """Compact JSON with sorted keys, UTF-8 (used for thumbprints and stable hashing)."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
