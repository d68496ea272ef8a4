"""JSON Schema validation with precise, bilingual problems.

Rotonde's own schemas (``schemas/*.schema.json``, JSON Schema 2020-12) refer to each other by
``$id`` (``https://rotonde.example/schemas/<name>/<version>``); they are loaded from the
``schemas`` package into one :class:`referencing.Registry`, never fetched. Every validation error
becomes a :class:`~rotonde.errors.Problem` with the JSON pointer (RFC 6901) of the offending
value and a message in English and Dutch.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from rotonde._schema_messages import pointer_of, translate
from rotonde.errors import Problem, ValidationError

__all__ = ["pointer_of", "problems_for", "registry", "validate", "validator"]


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


def problems_for(
    instance: Any, schema_id: str, *, code_prefix: str = "schema"
) -> list[Problem]:
    """Every violation of schema ``schema_id`` by ``instance`` (sorted by pointer)."""
    return translate(validator(schema_id).iter_errors(instance), prefix=code_prefix)


def validate(instance: Any, schema_id: str, *, code_prefix: str = "schema") -> dict[str, Any]:
    """Return ``instance`` when it satisfies ``schema_id``; else raise :class:`ValidationError`
    with every problem."""
    problems = problems_for(instance, schema_id, code_prefix=code_prefix)
    if problems:
        raise ValidationError(problems=problems)
    result: dict[str, Any] = instance
    return result
