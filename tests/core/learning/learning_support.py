"""Shared data for the learning tests: the example records, a signing key, a loader."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"


@lru_cache(maxsize=1)
def _records() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("records/*.json"))}


def record_names() -> list[str]:
    return list(_records())


def record(name: str) -> dict[str, Any]:
    """A fresh copy of ``examples/records/<name>.json``."""
    data: dict[str, Any] = json.loads(_records()[name])
    return data


def microcredential() -> dict[str, Any]:
    return record("mc-mag-lassen")
