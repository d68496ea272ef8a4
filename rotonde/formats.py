"""Detect which credential format a piece of input is, without verifying it.

Format names follow OpenID4VCI 1.0 Appendix A: ``dc+sd-jwt`` (SD-JWT VC), ``ldp_vc`` /
``ldp_vp`` (Data Integrity secured VCDM), ``jwt_vc_json`` is reported by its media type
``vc+jwt`` / ``vp+jwt`` (VC-JOSE-COSE §3), plus ``statuslist+jwt`` (Token Status List).
"""

from __future__ import annotations

import json
from typing import Any

from rotonde.encoding import b64url_decode, loads_json
from rotonde.errors import ParseError

__all__ = ["FORMATS", "detect", "load_input"]

FORMATS = ("dc+sd-jwt", "ldp_vc", "ldp_vp", "vc+jwt", "vp+jwt", "statuslist+jwt", "jwt")


def _jwt_typ(token: str) -> str | None:
    head = token.split(".", 1)[0]
    try:
        header = json.loads(b64url_decode(head))
    except (ParseError, ValueError):
        return None
    typ = header.get("typ") if isinstance(header, dict) else None
    return typ if isinstance(typ, str) else None


def detect(data: str | dict[str, Any]) -> str:
    """Name the format of ``data`` (a compact string or a parsed JSON document).

    Raises :class:`ParseError` (``format.unknown``) when it is none of the known formats.
    """
    if isinstance(data, dict):
        if "payload" in data and ("signature" in data or "signatures" in data):
            return "dc+sd-jwt"  # SD-JWT JSON serialisation (RFC 9901 §8)
        types = data.get("type", [])
        types = [types] if isinstance(types, str) else types
        if isinstance(types, list) and "VerifiablePresentation" in types:
            return "ldp_vp"
        if isinstance(types, list) and "VerifiableCredential" in types:
            return "ldp_vc"
        raise ParseError(
            "format.unknown",
            "JSON document is neither a verifiable credential nor a presentation",
            message_nl="JSON-document is geen verifieerbaar bewijs en geen presentatie",
        )
    if isinstance(data, str):
        text = data.strip()
        if "~" in text:
            return "dc+sd-jwt"
        if text.count(".") == 2:
            typ = _jwt_typ(text)
            if typ in ("vc+jwt", "vp+jwt", "statuslist+jwt", "dc+sd-jwt", "vc+sd-jwt"):
                return "dc+sd-jwt" if typ in ("dc+sd-jwt", "vc+sd-jwt") else typ
            return "jwt"
    raise ParseError(
        "format.unknown",
        "input is not a recognised credential format",
        message_nl="invoer is geen herkend formaat voor een bewijs",
    )


def load_input(text: str) -> str | dict[str, Any]:
    """Turn CLI or HTTP text input into a compact string or a parsed JSON object."""
    stripped = text.strip()
    if stripped.startswith("{"):
        value = loads_json(stripped, what="credential")
        if not isinstance(value, dict):  # pragma: no cover - starts with "{"
            raise ParseError("json.malformed", "not a JSON object")
        return value
    if stripped.startswith('"') and stripped.endswith('"'):
        value = loads_json(stripped)
        if isinstance(value, str):
            inner = value.strip()
            return load_input(inner) if inner.startswith("{") else inner
    return "".join(stripped.split())
