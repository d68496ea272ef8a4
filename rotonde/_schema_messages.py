"""Translate jsonschema errors into bilingual :class:`Problem` s with JSON pointers (RFC 6901)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from jsonschema.exceptions import ValidationError as SchemaError

from rotonde.errors import Problem

__all__ = ["pointer_of", "translate"]

_TYPES_NL = {
    "object": "een object",
    "array": "een lijst",
    "string": "tekst",
    "integer": "een geheel getal",
    "number": "een getal",
    "boolean": "waar of onwaar (true/false)",
    "null": "null",
}

# pattern -> (code, English, Dutch)
_PATTERNS: dict[str, tuple[str, str, str]] = {
    "^[A-Z]{2}$": (
        "record.country_invalid",
        "must be an ISO 3166-1 alpha-2 country code such as NL",
        "moet een ISO 3166-1 landcode van twee letters zijn, zoals NL",
    ),
    "^[0-9]{2}[A-Z]{2}$": (
        "record.brin_invalid",
        "must be a BRIN code: two digits and two capital letters, such as 25LX",
        "moet een BRIN-code zijn: twee cijfers en twee hoofdletters, zoals 25LX",
    ),
    "^[0-9]{8}$": (
        "record.kvk_invalid",
        "must be a KvK number of eight digits",
        "moet een KvK-nummer van acht cijfers zijn",
    ),
    "^[0-9]{5}$": (
        "record.qualification_code_invalid",
        "must be a CREBO or CROHO code of five digits",
        "moet een CREBO- of CROHO-code van vijf cijfers zijn",
    ),
    "^https://": (
        "record.url_invalid",
        "must be an https URL",
        "moet een https-URL zijn",
    ),
}


def pointer_of(path: Iterable[Any]) -> str:
    """RFC 6901 JSON pointer for a jsonschema path (root is the empty string)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _pattern_problem(err: SchemaError, ptr: str) -> Problem:
    pattern = str(err.validator_value)
    if "esco" in pattern:
        return Problem(
            "record.esco_uri_malformed",
            "must be an ESCO skill URI: http://data.europa.eu/esco/skill/<uuid>",
            "moet een ESCO-vaardigheids-URI zijn: http://data.europa.eu/esco/skill/<uuid>",
            ptr,
        )
    if pattern in _PATTERNS:
        code, en, nl = _PATTERNS[pattern]
        return Problem(code, en, nl, ptr)
    if "T([01]" in pattern:
        return Problem(
            "record.datetime_invalid",
            "must be an RFC 3339 date-time with a time zone, such as 2025-06-01T00:00:00Z",
            "moet een RFC 3339 datum-tijd met tijdzone zijn, zoals 2025-06-01T00:00:00Z",
            ptr,
        )
    if pattern.startswith("^[0-9]{4}-"):
        return Problem(
            "record.date_invalid",
            "must be a calendar date YYYY-MM-DD",
            "moet een kalenderdatum JJJJ-MM-DD zijn",
            ptr,
        )
    if "[a-zA-Z0-9+.-]*:" in pattern:
        return Problem(
            "record.iri_invalid",
            "must be an absolute URI (a DID, URL or URN) without spaces",
            "moet een absolute URI zijn (DID, URL of URN) zonder spaties",
            ptr,
        )
    return Problem("record.format", "has the wrong format", "heeft een ongeldig formaat", ptr)


def _one(err: SchemaError) -> list[Problem]:
    ptr = pointer_of(err.absolute_path)
    kind = err.validator
    value = err.validator_value
    inst = err.instance
    if kind == "required":
        have = inst if isinstance(inst, dict) else {}
        return [
            Problem("record.required", f"required field '{name}' is missing",
                    f"verplicht veld '{name}' ontbreekt", f"{ptr}/{name}")
            for name in value
            if name not in have
        ]
    if kind == "additionalProperties":
        props = err.schema.get("properties", {}) if isinstance(err.schema, dict) else {}
        pats = err.schema.get("patternProperties", {}) if isinstance(err.schema, dict) else {}
        extra = [
            k for k in (inst if isinstance(inst, dict) else {})
            if k not in props and not any(re.search(p, str(k)) for p in pats)
        ]
        return [
            Problem("record.unknown_field", f"unknown field '{k}'", f"onbekend veld '{k}'",
                    pointer_of([*err.absolute_path, k]))
            for k in extra
        ]
    if kind == "type":
        types = value if isinstance(value, list) else [value]
        return [Problem(
            "record.type",
            "must be " + " or ".join(f"of type {t}" for t in types),
            "moet " + " of ".join(_TYPES_NL.get(str(t), str(t)) for t in types) + " zijn",
            ptr)]
    if kind in ("enum", "const"):
        allowed = value if kind == "enum" else [value]
        shown = ", ".join(str(a) for a in allowed)
        if ptr.endswith("/framework"):
            return [Problem("record.level_framework_unknown",
                            f"unknown qualifications framework; use one of: {shown}",
                            f"onbekend kwalificatieraamwerk; gebruik een van: {shown}", ptr)]
        return [Problem("record.not_allowed", f"must be one of: {shown}",
                        f"moet een van deze waarden zijn: {shown}", ptr,
                        {"allowed": [str(a) for a in allowed]})]
    if kind == "pattern":
        return [_pattern_problem(err, ptr)]
    if kind in ("oneOf", "anyOf"):
        if ptr.endswith("/value"):
            return [Problem("record.level_out_of_range",
                            "level must be a whole number 1 to 8, or 'entry' for NLQF",
                            "niveau moet een geheel getal van 1 tot en met 8 zijn, "
                            "of 'entry' (instapniveau) voor NLQF", ptr)]
        return [Problem("record.not_allowed", "value is not allowed here",
                        "deze waarde is hier niet toegestaan", ptr)]
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        rel = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">",
               "exclusiveMaximum": "<"}[str(kind)]
        return [Problem("record.out_of_range", f"must be {rel} {value}",
                        f"moet {rel} {value} zijn", ptr)]
    if kind in ("minLength", "minItems", "minProperties"):
        return [Problem("record.empty", "must not be empty" if value == 1 else
                        f"is too short (minimum {value})",
                        "mag niet leeg zijn" if value == 1 else f"is te kort (minimaal {value})",
                        ptr)]
    if kind in ("maxLength", "maxItems", "maxProperties"):
        return [Problem("record.too_long", f"is too long (maximum {value})",
                        f"is te lang (maximaal {value})", ptr)]
    if kind == "uniqueItems":
        return [Problem("record.duplicate", "contains duplicate entries",
                        "bevat dubbele waarden", ptr)]
    return [Problem("record.invalid", "is invalid", "is ongeldig", ptr)]


def translate(errors: Iterable[SchemaError], *, prefix: str = "record") -> list[Problem]:
    """Bilingual problems, one per field, sorted by pointer, without duplicates.

    Codes are ``<prefix>.<reason>`` (``record.required``, ``pathway.required`` ...)."""
    seen: set[tuple[str, str | None]] = set()
    out: list[Problem] = []
    for err in errors:
        for prob in _one(err):
            if prefix != "record":
                prob = replace(prob, code=prefix + prob.code[len("record"):])
            key = (prob.code, prob.pointer)
            if key not in seen:
                seen.add(key)
                out.append(prob)
    out.sort(key=lambda p: (p.pointer or "", p.code))
    return out
