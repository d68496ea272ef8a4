"""Rotonde's own JSON Schemas, JSON-LD contexts and SD-JWT VC type metadata, shipped as data.

Identifiers live under ``https://rotonde.example/`` — a name in the ``.example`` top-level domain
reserved by RFC 2606 §2, so they are stable, never resolvable and never fetched: every consumer
loads them from this package (JSON-LD contexts through the document loader, type metadata and
schemas through these functions).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "ACHIEVEMENT_RECORD_ID",
    "SCHEMA_DIR",
    "achievement_record_schema",
    "contexts",
    "load",
    "vct_metadata",
]

SCHEMA_DIR = Path(__file__).resolve().parent

#: ``$id`` of the canonical achievement record schema.
ACHIEVEMENT_RECORD_ID = "https://rotonde.example/schemas/achievement-record/1.0"


@lru_cache(maxsize=64)
def _read(relative: str) -> str:
    return (SCHEMA_DIR / relative).read_text(encoding="utf-8")


def load(relative: str) -> Any:
    """Parse one shipped JSON file, e.g. ``load("achievement-record.schema.json")``."""
    return json.loads(_read(relative))


def achievement_record_schema() -> dict[str, Any]:
    """The achievement record JSON Schema (2020-12), a fresh copy."""
    doc: dict[str, Any] = load("achievement-record.schema.json")
    return doc


def contexts() -> dict[str, dict[str, Any]]:
    """Every shipped JSON-LD context (``contexts/*.jsonld``) keyed by the URL it is known by.

    The file name -> URL mapping is fixed in ``_CONTEXT_URLS``.
    """
    out: dict[str, dict[str, Any]] = {}
    for name, url in _CONTEXT_URLS.items():
        out[url] = load(f"contexts/{name}")
    return out


def vct_metadata() -> dict[str, dict[str, Any]]:
    """Every shipped SD-JWT VC type metadata document (``vct/*.json``) keyed by its ``vct``."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((SCHEMA_DIR / "vct").glob("*.json")):
        doc = load(f"vct/{path.name}")
        out[doc["vct"]] = doc
    return out


_CONTEXT_URLS: dict[str, str] = {
    "elm-vcdm2.jsonld": "https://rotonde.example/contexts/elm-vcdm2/v1.jsonld",
    "ob3-ext.jsonld": "https://rotonde.example/contexts/ob3-ext/v1.jsonld",
}
