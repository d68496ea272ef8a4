"""Read any form of an achievement back into the canonical record.

Accepted input (signed or unsigned): an ELM 3 credential (:mod:`rotonde.learning.elm`), an Open
Badges 3.0 credential (:mod:`rotonde.learning.ob3`), an SD-JWT VC as a compact string (its
Disclosures are merged in without verifying the signature: verify first with
:func:`rotonde.verify.verify`) or as processed claims (a dict with ``vct``), or a record itself.

Reading never raises anything but :class:`ValidationError`: a form that lacks a mandatory
element of the record reports which one (``record.required`` / ``record.eu_mandatory_missing``
with its JSON pointer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.encoding import loads_json
from rotonde.errors import RotondeError, ValidationError
from rotonde.learning import elm, ob3, sdjwt_vc
from rotonde.learning.record import validate_record

__all__ = ["detect_form", "read"]

FORMS = ("elm", "ob3", "sd-jwt-vc", "record")


def detect_form(data: Any) -> str:
    """``elm``, ``ob3``, ``sd-jwt-vc`` or ``record``; ``ValidationError`` when none fits."""
    if isinstance(data, str):
        return "sd-jwt-vc"
    if isinstance(data, Mapping):
        if elm.is_elm(data):
            return "elm"
        if ob3.is_ob3(data):
            return "ob3"
        if "vct" in data:
            return "sd-jwt-vc"
        if "kind" in data and "learner" in data:
            return "record"
    raise ValidationError(
        "learning.form_unknown",
        "input is not an ELM, Open Badges 3.0 or SD-JWT VC achievement, nor a record",
        message_nl="invoer is geen ELM-, Open Badges 3.0- of SD-JWT VC-bewijs en geen record",
    )


def _sdjwt_claims(token: str) -> dict[str, Any]:
    from rotonde.sdjwt import parse
    from rotonde.sdjwt.verify import process_disclosures

    claims: dict[str, Any] = process_disclosures(parse(token)).claims
    return claims


def _read(data: Any) -> dict[str, Any]:
    if isinstance(data, str) and data.strip().startswith("{"):
        data = loads_json(data.strip(), what="credential")
    form = detect_form(data)
    if form == "elm":
        return elm.read(data)
    if form == "ob3":
        return ob3.read(data)
    if form == "sd-jwt-vc":
        return sdjwt_vc.read(_sdjwt_claims(data) if isinstance(data, str) else data)
    return validate_record(data)


def read(data: Any) -> dict[str, Any]:
    """The record that ``data`` (any supported form) reads back into."""
    try:
        return _read(data)
    except ValidationError:
        raise
    except RotondeError as exc:
        raise ValidationError(problems=exc.problems) from exc
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        raise ValidationError(
            "learning.unreadable",
            f"the credential cannot be read as an achievement ({type(exc).__name__})",
            message_nl="het bewijs kan niet als leerresultaat worden gelezen",
        ) from exc
