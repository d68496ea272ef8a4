"""Evidence: a verified achievement record, as stacking, the passport and matching see it.

A credential counts as evidence only after :func:`rotonde.verify.verify` has looked at it; the
verification outcome, the issuer it proved and the status it found travel with the record, so
every later decision ("counts towards the pathway", "meets the vacancy") can say *why*.

Assurance (docs/architecture.md §1) is ordered ``self_asserted < attested < assessed``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rotonde.learning.levels import SOURCES
from rotonde.learning.record import ASSURANCES, assurance_at_least, outcome_level

__all__ = [
    "ASSURANCE_ORDER",
    "Evidence",
    "SkillClaim",
    "assurance_at_least",
    "assurance_rank",
    "reason",
    "skill_claims",
]

#: Weakest first; the one ordering is :data:`rotonde.learning.record.ASSURANCES`.
ASSURANCE_ORDER: tuple[str, ...] = ASSURANCES
#: Level sources, least authoritative first (the reverse of :data:`levels.SOURCES`).
_SOURCE_ORDER: tuple[str, ...] = tuple(reversed(SOURCES))


def assurance_rank(value: str | None) -> int:
    """0, 1, 2 for self_asserted, attested, assessed; -1 for anything else."""
    return ASSURANCE_ORDER.index(value) if value in ASSURANCE_ORDER else -1


def source_rank(value: str | None) -> int:
    return _SOURCE_ORDER.index(value) if value in _SOURCE_ORDER else -1


def reason(code: str, en: str, nl: str, **detail: Any) -> dict[str, Any]:
    """A bilingual, machine-readable reason (the same shape as a report problem)."""
    out: dict[str, Any] = {"code": code, "message": en, "message_nl": nl}
    if detail:
        out["detail"] = detail
    return out


@dataclass(frozen=True)
class Evidence:
    """One achievement record with what verification established about it.

    ``ref`` identifies the credential to the caller (a wallet id, a credential ``id``).
    ``issuer`` is the issuer identifier the signature proved (defaults to the record's awarding
    body). ``status`` is ``valid``, ``revoked``, ``suspended`` or ``unknown``.
    """

    record: Mapping[str, Any]
    ref: str
    issuer: str | None = None
    verified: bool = True
    status: str = "valid"
    trusted: bool | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def issuer_id(self) -> str | None:
        if self.issuer:
            return self.issuer
        body = self.record.get("awarding_body")
        return body.get("id") if isinstance(body, Mapping) else None

    @property
    def kind(self) -> str:
        return str(self.record.get("kind", ""))

    @property
    def title(self) -> Mapping[str, str]:
        t = self.record.get("title")
        return t if isinstance(t, Mapping) else {}

    @property
    def award_date(self) -> date | None:
        value = self.record.get("award_date")
        try:
            return date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def workload(self) -> tuple[float, float]:
        w = self.record.get("workload")
        if not isinstance(w, Mapping):
            return 0.0, 0.0
        return float(w.get("ects") or 0), float(w.get("hours") or 0)


@dataclass(frozen=True)
class SkillClaim:
    """One learning outcome of a record with the level and assurance that apply to it."""

    skill: str
    title: Mapping[str, str]
    level: Mapping[str, Any] | None
    assurance: str | None
    evidence: Evidence


def skill_claims(evidence: Evidence) -> Iterator[SkillClaim]:
    """The skills a record proves. An outcome without its own level takes the record's level;
    without its own assurance, the record's assurance."""
    record = evidence.record
    for outcome in record.get("learning_outcomes") or ():
        if not isinstance(outcome, Mapping) or not isinstance(outcome.get("skill"), str):
            continue
        level = outcome_level(record, outcome)
        title: Mapping[str, str] = (
            outcome["title"] if isinstance(outcome.get("title"), Mapping) else {}
        )
        yield SkillClaim(
            outcome["skill"],
            title,
            level,
            outcome.get("assurance") or record.get("assurance"),
            evidence,
        )
