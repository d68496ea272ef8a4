"""JSON Canonicalization Scheme (RFC 8785), used by ``eddsa-jcs-2022``.

* Object members sorted by their names as arrays of UTF-16 code units (§3.2.3).
* Strings serialized as ECMAScript ``JSON.stringify`` does (§3.2.2.2): only ``"``, ``\\`` and
  control characters are escaped, everything else is emitted as UTF-8.
* Numbers serialized as ECMAScript ``Number.prototype.toString`` (§3.2.2.3); NaN and
  infinities are refused, integers outside the IEEE 754 double range lose precision exactly
  as they would in ECMAScript.
* Lone surrogates cannot be encoded and are refused (§3.2.2.2).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from rotonde.errors import ParseError

__all__ = ["canonicalize", "serialize_number"]


def _error(message: str, message_nl: str) -> ParseError:
    return ParseError("jcs.unsupported_value", message, message_nl=message_nl)


def serialize_number(value: int | float) -> str:
    """ECMAScript ``Number::toString`` for a finite IEEE 754 double (RFC 8785 §3.2.2.3)."""
    if isinstance(value, bool):  # pragma: no cover - callers handle booleans first
        raise TypeError("boolean is not a number")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the double range
        raise _error("numbers beyond the IEEE 754 double range cannot be canonicalized",
                     "getallen buiten het bereik van een double kunnen niet") from None
    if math.isnan(number) or math.isinf(number):
        raise _error("NaN and Infinity cannot be canonicalized", "NaN en Infinity kunnen niet")
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    parts = Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, parts.digits))
    exponent = int(parts.exponent)
    # value = 0.digits × 10^n (ECMAScript's k and n)
    n = exponent + len(digits)
    k = len(digits)
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        exp = n - 1
        out = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if exp >= 0 else "-")
        out += str(abs(exp))
    return sign + out


def _string(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _error("string contains a lone surrogate", "tekst bevat een losse surrogaat") from None
    return json.dumps(value, ensure_ascii=False)


def _key(name: str) -> bytes:
    return name.encode("utf-16-be", "surrogatepass")


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, (int, float)):
        out.append(serialize_number(value))
    elif isinstance(value, dict):
        out.append("{")
        for i, name in enumerate(sorted(value, key=_key)):
            if not isinstance(name, str):
                raise _error("object member names must be strings", "namen moeten tekst zijn")
            if i:
                out.append(",")
            out.append(_string(name))
            out.append(":")
            _write(value[name], out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise _error(f"{type(value).__name__} is not a JSON value", "geen JSON-waarde")


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 serialization of a parsed JSON value."""
    out: list[str] = []
    try:
        _write(value, out)
    except RecursionError:
        raise ParseError("json.too_deep", "JSON is nested too deeply",
                         message_nl="JSON is te diep genest") from None
    return "".join(out).encode("utf-8")
