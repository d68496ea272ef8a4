"""Read Rotonde's shipped data files (``schemas/``) without importing the ``schemas`` package.

The ``schemas`` folder sits beside ``rotonde`` both in a source checkout and in an installed
wheel (both are top-level packages), so the files are found relative to this package. Data,
not code: reading it adds no dependency on anything above the core.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["SCHEMAS_DIR", "load_json", "schema_files"]

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"


@lru_cache(maxsize=64)
def _text(relative: str) -> str:
    return (SCHEMAS_DIR / relative).read_text(encoding="utf-8")


def load_json(relative: str) -> Any:
    """A fresh parse of ``schemas/<relative>``."""
    return json.loads(_text(relative))


def schema_files(folder: str, pattern: str) -> list[str]:
    """Relative names of the files in ``schemas/<folder>`` matching ``pattern``, sorted."""
    return sorted(f"{folder}/{p.name}" for p in (SCHEMAS_DIR / folder).glob(pattern))
