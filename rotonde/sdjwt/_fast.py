"""Hot-path helpers for SD-JWT: strict base64url and JSON without per-call set-up.

Same strictness as :mod:`rotonde.encoding` (unpadded base64url alphabet only; JSON with a
depth cap and, where asked, no duplicate member names), measured to cost a fraction of the
general helpers on the small values SD-JWT handles thousands of times per second.
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable
from typing import Any

from rotonde.encoding import b64url_decode, b64url_encode, loads_json
from rotonde.errors import ParseError

__all__ = ["b64u", "b64u_decode", "disclosure_text", "dumps", "loads"]

_ENCODER = json.JSONEncoder(ensure_ascii=False)
_string = json.encoder.encode_basestring
_SCALARS: dict[Any, str] = {None: "null", True: "true", False: "false"}


#: Unpadded base64url (RFC 4648 §5): the one strict implementation in :mod:`rotonde.encoding`.
b64u = b64url_encode


def b64u_decode(text: str, what: str) -> bytes:
    """Strict unpadded base64url: no padding, no ``+``/``/``, no whitespace."""
    return b64url_decode(text, what=what)


def dumps(value: Any) -> str:
    """JSON text as in the RFC 9901 examples (``", "`` separators, UTF-8)."""
    return _ENCODER.encode(value)


def disclosure_text(salt: str, name: str | None, value: Any) -> str:
    """``json.dumps([salt, name, value])`` (or ``[salt, value]``), with strings and the common
    scalars written directly instead of through a new encoder per call."""
    if isinstance(value, str):
        tail = _string(value)
    elif value is None or type(value) is bool:
        tail = _SCALARS[value]
    elif type(value) is int:
        tail = str(value)
    else:
        tail = _ENCODER.encode(value)
    if name is None:
        return f"[{_string(salt)}, {tail}]"
    return f"[{_string(salt)}, {_string(name)}, {tail}]"


class _Duplicate(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Duplicate
    return out


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Python-only extensions


_STRICT = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_no_constants)
#: The decoder's scanner called directly: one value starting at index 0, no whitespace skipping
#: (``JSONDecoder.decode`` adds two regular-expression passes and two Python frames).
_SCAN: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(
    _STRICT  # type: ignore[arg-type]  # typeshed types the C scanner's argument oddly
)


def loads(data: bytes, what: str, max_depth: int) -> Any:
    """Parse JSON rejecting duplicate member names and nesting deeper than ``max_depth``.

    The number of ``{`` and ``[`` bytes bounds the nesting depth, so small documents skip the
    depth walk. Anything unusual (possible deep nesting, ``\\u`` escapes that may hide a lone
    surrogate, a duplicate, an error) goes through
    :func:`rotonde.encoding.loads_json`, which raises the precise error.
    """
    # find() of one byte is a memchr; the two-byte search only runs when there is a backslash
    if data.count(b"{") + data.count(b"[") <= max_depth and (
        data.find(b"\\") < 0 or b"\\u" not in data
    ):
        try:
            text = data.decode("utf-8")
            value, end = _SCAN(text, 0)
            if end == len(text):
                return value
        except (ValueError, RecursionError, StopIteration):
            pass  # surrounding whitespace, trailing data or an error: the precise path decides
    value = loads_json(data, what=what, max_depth=max_depth, reject_duplicates=True)
    try:
        _STRICT.decode(data.decode("utf-8"))
    except ValueError as exc:
        raise ParseError(
            "json.malformed", f"{what} is not valid JSON: {exc}",
            message_nl=f"{what} is geen geldige JSON: {exc}",
        ) from None
    except RecursionError:  # pragma: no cover - loads_json caps the depth first
        pass
    return value
