"""Helpers shared by the three credential forms: countries, durations, texts, reading dicts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rotonde.errors import Problem, ValidationError

__all__ = [
    "ASSESSMENT_FIELDS",
    "ASSESSMENT_TERMS",
    "COUNTRIES",
    "as_list",
    "country_from_iri",
    "country_iri",
    "date_from_datetime",
    "date_to_datetime",
    "form_error",
    "get",
    "hours_from_duration",
    "hours_to_duration",
    "number_text",
    "parse_number",
    "put",
    "renamed",
    "text_map",
]

#: EU publications office country authority table (ISO 3166-1 alpha-3 codes).
COUNTRY_AUTHORITY = "http://publications.europa.eu/resource/authority/country"

#: ISO 3166-1 alpha-2 -> (alpha-3, English, Dutch): EU and EEA member states, CH, GB, UA, TR.
COUNTRIES: dict[str, tuple[str, str, str]] = {
    "AT": ("AUT", "Austria", "Oostenrijk"), "BE": ("BEL", "Belgium", "België"),
    "BG": ("BGR", "Bulgaria", "Bulgarije"), "HR": ("HRV", "Croatia", "Kroatië"),
    "CY": ("CYP", "Cyprus", "Cyprus"), "CZ": ("CZE", "Czechia", "Tsjechië"),
    "DK": ("DNK", "Denmark", "Denemarken"), "EE": ("EST", "Estonia", "Estland"),
    "FI": ("FIN", "Finland", "Finland"), "FR": ("FRA", "France", "Frankrijk"),
    "DE": ("DEU", "Germany", "Duitsland"), "GR": ("GRC", "Greece", "Griekenland"),
    "HU": ("HUN", "Hungary", "Hongarije"), "IE": ("IRL", "Ireland", "Ierland"),
    "IT": ("ITA", "Italy", "Italië"), "LV": ("LVA", "Latvia", "Letland"),
    "LT": ("LTU", "Lithuania", "Litouwen"), "LU": ("LUX", "Luxembourg", "Luxemburg"),
    "MT": ("MLT", "Malta", "Malta"), "NL": ("NLD", "Netherlands", "Nederland"),
    "PL": ("POL", "Poland", "Polen"), "PT": ("PRT", "Portugal", "Portugal"),
    "RO": ("ROU", "Romania", "Roemenië"), "SK": ("SVK", "Slovakia", "Slowakije"),
    "SI": ("SVN", "Slovenia", "Slovenië"), "ES": ("ESP", "Spain", "Spanje"),
    "SE": ("SWE", "Sweden", "Zweden"), "IS": ("ISL", "Iceland", "IJsland"),
    "LI": ("LIE", "Liechtenstein", "Liechtenstein"), "NO": ("NOR", "Norway", "Noorwegen"),
    "CH": ("CHE", "Switzerland", "Zwitserland"),
    "GB": ("GBR", "United Kingdom", "Verenigd Koninkrijk"),
    "UA": ("UKR", "Ukraine", "Oekraïne"), "TR": ("TUR", "Türkiye", "Turkije"),
}
_ALPHA3 = {v[0]: k for k, v in COUNTRIES.items()}

#: Assessment facts of a record that neither ELM 3 nor OB 3.0 has a term for, and the term of
#: Rotonde's vocabulary (``https://rotonde.example/vocab#``) both forms write them as.
ASSESSMENT_TERMS: Mapping[str, str] = {"supervised": "supervision",
                                       "identity_verified": "identityVerified"}
#: The same, term to record key (reading a form back).
ASSESSMENT_FIELDS: Mapping[str, str] = {term: key for key, term in ASSESSMENT_TERMS.items()}


def form_error(form: str, problems: list[Problem]) -> ValidationError:
    """A ValidationError for a form that cannot be read or built."""
    return ValidationError(problems=problems) if problems else ValidationError(
        f"{form}.invalid", f"not a readable {form} credential",
        message_nl=f"geen leesbaar {form}-bewijs")


def country_iri(alpha2: str) -> str:
    """EU authority IRI of a country; ``ValidationError`` for a country not in the table."""
    if alpha2 not in COUNTRIES:
        raise ValidationError(
            "record.country_unsupported",
            f"country {alpha2} is not supported in the ELM form (EU/EEA, CH, GB, UA, TR)",
            message_nl=f"land {alpha2} wordt in de ELM-vorm niet ondersteund (EU/EER, CH, GB, "
            "UA, TR)", pointer="/awarding_body/country")
    return f"{COUNTRY_AUTHORITY}/{COUNTRIES[alpha2][0]}"


def country_from_iri(iri: object) -> str | None:
    if isinstance(iri, str) and iri.startswith(COUNTRY_AUTHORITY + "/"):
        return _ALPHA3.get(iri.rsplit("/", 1)[1])
    return None


def number_text(value: float) -> str:
    """``2`` for 2.0, ``1.5`` for 1.5 (no exponent, no trailing zeros)."""
    if float(value).is_integer():
        return str(int(value))
    text = format(Decimal(repr(float(value))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_number(value: object) -> float | int | None:
    """A JSON number or numeric text as int when whole, else float; ``None`` otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
            return None
        num = float(value)
    elif isinstance(value, (int, float)):
        try:
            num = float(value)
        except OverflowError:  # a JSON integer beyond the double range is no number here
            return None
    else:
        return None
    if num != num or num in (float("inf"), float("-inf")):
        return None
    return int(num) if num.is_integer() else num


def hours_to_duration(hours: float) -> str:
    """XML Schema ``xsd:duration`` for a number of hours: ``PT40H``, ``PT7.5H``."""
    return f"PT{number_text(hours)}H"


def hours_from_duration(value: object) -> float | int | None:
    """Hours in an ``xsd:duration`` made of days/hours/minutes (``P2DT4H``, ``PT90M``)."""
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"P(?:([0-9.]+)D)?(?:T(?:([0-9.]+)H)?(?:([0-9.]+)M)?)?", value)
    if not m or value in ("P", "PT") or value.endswith("T"):
        return None
    try:
        d, h, mi = (float(x) if x else 0.0 for x in m.groups())
    except ValueError:
        return None
    return parse_number(round(d * 24 + h + mi / 60, 4))


def date_to_datetime(value: str) -> str:
    """``2025-06-01`` -> ``2025-06-01T00:00:00Z`` (ELM and OB3 want date-times)."""
    return f"{value}T00:00:00Z"


def date_from_datetime(value: object) -> str | None:
    """The calendar date of a date-time or date string; ``None`` when it is neither."""
    if isinstance(value, str) and re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T|$)", value):
        return value[:10]
    return None


def text_map(value: object) -> dict[str, str] | None:
    """A language map ``{lang: text}`` with string values only, else ``None``."""
    if isinstance(value, Mapping) and value and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return dict(value)
    return None


def get(obj: object, *path: str | int) -> Any:
    """Walk dicts/lists; ``None`` when any step is missing or of the wrong kind."""
    cur: Any = obj
    for step in path:
        if isinstance(step, int):
            if not isinstance(cur, list) or step >= len(cur):
                return None
            cur = cur[step]
        else:
            if not isinstance(cur, Mapping):
                return None
            cur = cur.get(step)
    return cur


def as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def put(target: dict[str, Any], key: str, value: Any) -> None:
    """``target[key] = value`` unless ``value`` is ``None``."""
    if value is not None:
        target[key] = value


def renamed(source: object, names: Mapping[str, str]) -> dict[str, Any]:
    """The members of ``source`` that ``names`` lists, under their new names, in the order of
    ``names``; absent and ``None`` members are left out, language maps are copied. A form
    writes a record's fields with it, and reads them back with the names swapped."""
    if not isinstance(source, Mapping):
        return {}
    return {new: dict(value) if isinstance(value, Mapping) else value
            for old, new in names.items() if (value := source.get(old)) is not None}
