"""The competence passport: per ESCO skill, the best that verified credentials prove.

For each skill: the highest verified level (with its framework and source), the best
assurance, the evidence (which credentials) and, beside it, the learner's own
self-assessment (the "paskamermethode": what the learner thinks, next to what is proven).
Self-assessed levels never count as the verified level (docs/architecture.md §1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rotonde.learning import levels
from rotonde.learning.evidence import (
    Evidence,
    SkillClaim,
    assurance_rank,
    skill_claims,
    source_rank,
)

__all__ = ["Passport", "PassportEntry", "passport"]


@dataclass(frozen=True)
class PassportEntry:
    """One skill row. ``level`` is ``None`` when only unlevelled evidence exists."""

    skill: str
    title: Mapping[str, str]
    level: Mapping[str, Any] | None
    assurance: str | None
    evidence: tuple[str, ...]
    self_assessed: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "skill": self.skill,
            "title": dict(self.title),
            "level": dict(self.level) if self.level else None,
            "assurance": self.assurance,
            "evidence": list(self.evidence),
            "self_assessed": dict(self.self_assessed) if self.self_assessed else None,
        }


@dataclass(frozen=True)
class Passport:
    entries: tuple[PassportEntry, ...]
    ignored: tuple[str, ...] = ()

    def entry(self, skill: str) -> PassportEntry | None:
        return next((e for e in self.entries if e.skill == skill), None)

    def to_dict(self) -> dict[str, Any]:
        return {"skills": [e.to_dict() for e in self.entries], "ignored": list(self.ignored)}


def _is_self(claim: SkillClaim) -> bool:
    return (
        claim.evidence.kind == "self_assessment"
        or claim.assurance == "self_asserted"
        or (claim.level is not None and claim.level.get("source") == "self")
    )


def _level_key(claim: SkillClaim) -> tuple[int, int, int]:
    lvl = claim.level
    return (
        levels.rank(lvl) if lvl else -1,
        source_rank(lvl.get("source")) if lvl else -1,
        assurance_rank(claim.assurance),
    )


def passport(evidence: Iterable[Evidence]) -> Passport:
    """Build the passport from verified, currently valid evidence; anything else is listed in
    ``ignored`` by its ``ref``."""
    verified: dict[str, list[SkillClaim]] = {}
    self_claims: dict[str, list[SkillClaim]] = {}
    titles: dict[str, Mapping[str, str]] = {}
    ignored: list[str] = []
    for ev in evidence:
        if not ev.verified or ev.status != "valid":
            ignored.append(ev.ref)
            continue
        for claim in skill_claims(ev):
            if claim.title and claim.skill not in titles:
                titles[claim.skill] = claim.title
            (self_claims if _is_self(claim) else verified).setdefault(claim.skill, []).append(claim)
    entries: list[PassportEntry] = []
    for skill in sorted(set(verified) | set(self_claims), key=lambda s: titles.get(s, {}).get("nl", s)):
        proven = verified.get(skill, [])
        best = max(proven, key=_level_key) if proven else None
        own = max(self_claims.get(skill, []), key=_level_key, default=None)
        best_assurance = max((c.assurance for c in proven), key=assurance_rank, default=None)
        entries.append(PassportEntry(
            skill,
            titles.get(skill, {}),
            best.level if best else None,
            best_assurance,
            tuple(dict.fromkeys(c.evidence.ref for c in proven)),
            own.level if own else None,
        ))
    return Passport(tuple(entries), tuple(ignored))
