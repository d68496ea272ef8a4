"""Enveloped credentials and presentations: one secured token carried in a ``data:`` URL.

VCDM 2.0 §4.13.1 (``EnvelopedVerifiableCredential``) and §4.13.2
(``EnvelopedVerifiablePresentation``): the object's ``id`` is a ``data:`` URL (RFC 2397) whose
media type names the securing mechanism and whose data is the secured form, e.g.
``data:application/vc+jwt,<compact JWS>`` (VC-JOSE-COSE §3.1.1, §3.1.2; ``vc+sd-jwt``,
``dc+sd-jwt`` alike). This is the only place that says what a valid envelope is: the
presentation data model (:func:`rotonde.presentation.validate_presentation`), presentation
building (:func:`rotonde.presentation.build_presentation`) and verification
(:mod:`rotonde.verify.ldp`) all ask here.

The rule: ``type`` is (or contains) the enveloped type, and ``id`` is
``data:application/<subtype>,<token>`` — no parameters (``;base64`` or ``;charset``: the
token is the text itself), a non-empty subtype and token.
"""

from __future__ import annotations

from typing import Any

from rotonde.errors import ParseError, Problem

__all__ = [
    "ENVELOPED_CREDENTIAL",
    "ENVELOPED_PRESENTATION",
    "envelop",
    "envelope_problem",
    "is_enveloped",
    "unwrap_envelope",
]

ENVELOPED_CREDENTIAL = "EnvelopedVerifiableCredential"
ENVELOPED_PRESENTATION = "EnvelopedVerifiablePresentation"
_V2 = "https://www.w3.org/ns/credentials/v2"
_PREFIX = "data:application/"


def envelop(token: str, media_type: str = "vc+jwt", *,
            kind: str = ENVELOPED_CREDENTIAL) -> dict[str, Any]:
    """An enveloped credential (or, with ``kind=ENVELOPED_PRESENTATION``, presentation)
    carrying ``token`` as ``data:application/<media_type>,<token>``."""
    return {"@context": [_V2], "id": f"{_PREFIX}{media_type},{token}", "type": kind}


def is_enveloped(value: Any, kind: str = ENVELOPED_CREDENTIAL) -> bool:
    """Does ``value`` say it is an envelope of ``kind`` (by its ``type``)? Whether it is a
    valid one is :func:`envelope_problem`'s question."""
    if not isinstance(value, dict):
        return False
    types = value.get("type")
    return types == kind or (isinstance(types, list) and kind in types)


def _split(value: Any) -> tuple[str, str] | None:
    ident = value.get("id") if isinstance(value, dict) else None
    if not isinstance(ident, str) or not ident.startswith(_PREFIX):
        return None
    head, sep, token = ident.partition(",")
    media = head.removeprefix(_PREFIX)
    if not sep or not media or ";" in media or not token:
        return None
    return media, token


def _invalid(pointer: str | None) -> Problem:
    return Problem(
        "vp.envelope_invalid",
        "an enveloped credential needs an id data:application/<type>,<token>",
        "een omhulde credential heeft als id data:application/<type>,<token> nodig",
        pointer,
    )


def envelope_problem(value: Any, pointer: str = "") -> Problem | None:
    """``None`` when ``value`` is a valid envelope, else the ``vp.envelope_invalid`` problem
    (at ``pointer`` + ``/id``)."""
    return None if _split(value) is not None else _invalid(pointer + "/id")


def unwrap_envelope(value: Any, kind: str = ENVELOPED_CREDENTIAL) -> tuple[str, str]:
    """``(media_type, token)`` of an envelope of ``kind``; :class:`ParseError`
    ``vp.envelope_invalid`` otherwise."""
    parts = _split(value) if is_enveloped(value, kind) else None
    if parts is None:
        raise ParseError(problems=[_invalid(None)])
    return parts
