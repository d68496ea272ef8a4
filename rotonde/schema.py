"""JSON Schema validation with precise, bilingual problems.

Rotonde's own schemas (``schemas/*.schema.json``, JSON Schema 2020-12) refer to each other by
``$id`` (``https://rotonde.example/schemas/<name>/<version>``); they are loaded from the
``schemas`` package into one :class:`referencing.Registry`, never fetched. Every validation error
becomes a :class:`~rotonde.errors.Problem` with the JSON pointer (RFC 6901) of the offending
value and a message in English and Dutch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as JsonSchemaError
from referencing import Registry, Resource

from rotonde.errors import Problem, ValidationError

_EXTRA = re.compile(r"'([^']*)'")

__all__ = ["as_mapping", "pointer_of", "problems_for", "registry", "validate", "validator"]


@lru_cache(maxsize=1)
def registry() -> Registry:  # type: ignore[type-arg,unused-ignore]
    """All shipped schemas, addressable by their ``$id``."""
    from schemas import SCHEMA_DIR

    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        resources.append((doc["$id"], Resource.from_contents(doc)))
    return Registry().with_resources(resources)


@lru_cache(maxsize=32)
def validator(schema_id: str) -> Draft202012Validator:
    """A validator for one shipped schema (by ``$id``), with formats checked."""
    schema = registry().contents(schema_id)
    return Draft202012Validator(
        schema, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def pointer_of(path: Iterable[Any]) -> str:
    """RFC 6901 pointer for a jsonschema ``absolute_path``."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else ""


def _message(err: JsonSchemaError) -> tuple[str, str, str]:
    """(code suffix, English, Dutch) for one jsonschema error."""
    v = err.validator
    value = err.validator_value
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else "?"
        return "required", f"'{missing}' is required", f"'{missing}' is verplicht"
    if v == "additionalProperties":
        names = ", ".join(_EXTRA.findall(err.message)) or "?"
        return "unknown_field", f"unknown field(s): {names}", f"onbekend(e) veld(en): {names}"
    if v in ("type",):
        return "wrong_type", f"must be of type {value}", f"moet van het type {value} zijn"
    if v in ("enum", "const"):
        allowed = value if v == "enum" else [value]
        txt = ", ".join(repr(a) for a in allowed)
        return "not_allowed", f"must be one of {txt}", f"moet een van {txt} zijn"
    if v == "pattern":
        return "bad_format", "has the wrong format", "heeft het verkeerde formaat"
    if v in ("minLength", "minItems", "minProperties"):
        return "too_short", f"is too short or empty ({v} {value})", f"is te kort of leeg ({v} {value})"
    if v in ("maxLength", "maxItems", "maxProperties"):
        return "too_long", f"is too long ({v} {value})", f"is te lang ({v} {value})"
    if v in ("minimum", "exclusiveMinimum"):
        return "too_small", f"must be at least {value}", f"moet minstens {value} zijn"
    if v in ("maximum", "exclusiveMaximum"):
        return "too_large", f"must be at most {value}", f"mag hoogstens {value} zijn"
    if v == "uniqueItems":
        return "duplicate", "contains duplicates", "bevat dubbele waarden"
    if v in ("oneOf", "anyOf"):
        return "no_match", "matches none of the allowed forms", "past bij geen van de toegestane vormen"
    if v == "format":
        return "bad_format", f"is not a valid {value}", f"is geen geldige {value}"
    return "invalid", err.message, err.message


def problems_for(
    instance: Any, schema_id: str, *, code_prefix: str = "schema", base_pointer: str = ""
) -> list[Problem]:
    """Every violation of schema ``schema_id`` by ``instance``, most specific first."""
    out: list[Problem] = []
    errors = sorted(validator(schema_id).iter_errors(instance), key=lambda e: list(e.path))
    for err in errors:
        leaf = err
        if err.validator in ("oneOf", "anyOf") and err.context:
            leaf = min(err.context, key=lambda e: (-len(e.absolute_path), str(e.validator)))
        suffix, en, nl = _message(leaf)
        pointer = base_pointer + pointer_of(leaf.absolute_path)
        where = pointer or "/"
        out.append(
            Problem(f"{code_prefix}.{suffix}", f"{where}: {en}", f"{where}: {nl}", pointer or "/")
        )
    return out


def validate(
    instance: Any, schema_id: str, *, code_prefix: str = "schema", what: str = "document"
) -> None:
    """Raise :class:`ValidationError` with every problem when ``instance`` is invalid."""
    problems = problems_for(instance, schema_id, code_prefix=code_prefix)
    if problems:
        raise ValidationError(problems=problems)


def as_mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
