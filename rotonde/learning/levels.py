"""Qualification levels: EQF and NLQF, their order, their mapping and their source.

* EQF: Council Recommendation of 22 May 2017 on the European Qualifications Framework, Annex II
  (eight levels); ELM identifies them as ``http://data.europa.eu/snb/eqf/<n>``.
* NLQF: the Dutch qualifications framework has an entry level ("instapniveau") below level 1 and
  levels 1-8; the NLQF referencing report maps NLQF *n* to EQF *n* for 1-8. The entry level has
  no EQF counterpart (it ranks below EQF 1).

A level in a record is a dict ``{"framework": "EQF"|"NLQF", "value": 1..8 | "entry",
"source": "official"|"regulated"|"institution"|"self"}`` (docs/architecture.md §1: a level always carries its
source). Comparison is by rank: entry = 0, otherwise the number, across both frameworks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.errors import Problem

__all__ = [
    "EQF_URI_PREFIX",
    "FRAMEWORKS",
    "NLQF_URI_PREFIX",
    "SOURCES",
    "at_least",
    "check_level",
    "compare",
    "from_uri",
    "rank",
    "same_level",
    "to_eqf",
    "to_uri",
]

FRAMEWORKS = ("EQF", "NLQF")
SOURCES = ("official", "regulated", "institution", "self")

#: ELM 3 EQF level vocabulary (EU Vocabularies, "snb/eqf").
EQF_URI_PREFIX = "http://data.europa.eu/snb/eqf/"
#: Rotonde's own identifiers for NLQF levels (no EU vocabulary publishes NLQF levels).
NLQF_URI_PREFIX = "https://rotonde.example/levels/nlqf/"


def _value_ok(framework: Any, value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int) and 1 <= value <= 8:
        return True
    return bool(framework == "NLQF" and value == "entry")


def check_level(level: Any, pointer: str = "") -> list[Problem]:
    """Semantic problems of one level dict: unknown framework, out-of-range value, bad source."""
    if not isinstance(level, Mapping):
        return [Problem("record.level_invalid", "a level must be an object",
                        "een niveau moet een object zijn", pointer or "/")]
    problems: list[Problem] = []
    framework = level.get("framework")
    if framework not in FRAMEWORKS:
        problems.append(Problem(
            "record.level_framework_unknown",
            f"unknown qualifications framework {framework!r}; use EQF or NLQF",
            f"onbekend kwalificatieraamwerk {framework!r}; gebruik EQF of NLQF",
            f"{pointer}/framework", {"framework": str(framework)}))
    elif not _value_ok(framework, level.get("value")):
        problems.append(Problem(
            "record.level_out_of_range",
            f"{framework} level must be 1 to 8"
            + (" or 'entry'" if framework == "NLQF" else ""),
            f"{framework}-niveau moet 1 tot en met 8 zijn"
            + (" of 'entry' (instapniveau)" if framework == "NLQF" else ""),
            f"{pointer}/value"))
    if level.get("source") not in SOURCES:
        problems.append(Problem(
            "record.level_source_unknown",
            "level source must be official, regulated, institution or self",
            "bron van het niveau moet official, regulated, institution of self zijn",
            f"{pointer}/source"))
    return problems


def rank(level: Mapping[str, Any]) -> int:
    """0 for the NLQF entry level, otherwise the level number (NLQF n ranks as EQF n)."""
    value = level.get("value")
    if value == "entry":
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(f"not a level: {level!r}")


def to_eqf(level: Mapping[str, Any]) -> int | None:
    """The EQF level a level corresponds to; ``None`` for the NLQF entry level."""
    r = rank(level)
    return r or None


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> int:
    """-1, 0 or 1 as level ``a`` ranks below, equal to or above level ``b`` (source ignored)."""
    ra, rb = rank(a), rank(b)
    return (ra > rb) - (ra < rb)


def at_least(level: Mapping[str, Any], minimum: Mapping[str, Any]) -> bool:
    """True when ``level`` ranks at or above ``minimum``."""
    return compare(level, minimum) >= 0


def same_level(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """True when two levels (possibly in different frameworks) map onto each other."""
    return compare(a, b) == 0


def to_uri(level: Mapping[str, Any]) -> str:
    """The vocabulary IRI of a level: EU ``snb/eqf/<n>`` for EQF, Rotonde's IRI for NLQF."""
    if level.get("framework") == "EQF":
        return f"{EQF_URI_PREFIX}{rank(level)}"
    return f"{NLQF_URI_PREFIX}{level.get('value')}"


def from_uri(uri: str) -> dict[str, Any] | None:
    """``{"framework", "value"}`` for a level IRI made by :func:`to_uri`; ``None`` otherwise."""
    for prefix, framework in ((EQF_URI_PREFIX, "EQF"), (NLQF_URI_PREFIX, "NLQF")):
        if uri.startswith(prefix):
            tail = uri[len(prefix):]
            if framework == "NLQF" and tail == "entry":
                return {"framework": framework, "value": "entry"}
            if tail.isdigit() and len(tail) == 1 and 1 <= int(tail) <= 8:
                return {"framework": framework, "value": int(tail)}
    return None
