"""Shared rules for "does this piece of evidence satisfy this requirement", with reasons.

Used by stacking (pathways) and matching (requirement profiles) so that both say the same
thing for the same evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rotonde.learning import levels
from rotonde.learning.evidence import (
    Evidence,
    SkillClaim,
    assurance_at_least,
    reason,
    skill_claims,
)

__all__ = ["DEFAULT_SOURCES", "RequirementOutcome", "claim_meets", "claims_for_skill",
           "evidence_usable", "level_label"]

#: Level sources that count unless a requirement says otherwise: a self-assessed level never
#: satisfies a requirement by default (docs/architecture.md §1).
DEFAULT_SOURCES: tuple[str, ...] = ("official", "regulated", "institution")


@dataclass(frozen=True)
class RequirementOutcome:
    """How one requirement (of a pathway or a requirement profile) fares against the evidence:
    ``met`` by the credentials in ``evidence``; when not, ``reasons`` say why the others fall
    short."""

    id: str
    title: Mapping[str, str]
    met: bool
    optional: bool
    evidence: tuple[str, ...]
    reasons: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return self._dict("met")

    def _dict(self, met: str) -> dict[str, Any]:
        """The outcome as JSON, its verdict under the name ``met``."""
        return {"id": self.id, "title": dict(self.title), met: self.met,
                "optional": self.optional, "evidence": list(self.evidence),
                "reasons": list(self.reasons)}


def level_label(level: Mapping[str, Any] | None) -> str:
    if not level:
        return "-"
    value = level.get("value")
    return f"{level.get('framework')} {'instap' if value == 'entry' else value}"


def evidence_usable(
    ev: Evidence,
    *,
    accepted_issuers: Sequence[str] | None,
    accepted_kinds: Sequence[str] | None = None,
    min_assurance: str | None = None,
    max_age_years: float | None = None,
    today: date,
) -> list[dict[str, Any]]:
    """Reasons why ``ev`` cannot count at all (empty list: it can)."""
    out: list[dict[str, Any]] = []
    if not ev.verified:
        out.append(reason("evidence.not_verified", "the credential did not verify",
                          "het bewijs is niet geverifieerd"))
    if ev.status != "valid":
        out.append(reason(
            f"evidence.status_{ev.status}",
            f"the credential's status is {ev.status}",
            {"revoked": "het bewijs is ingetrokken", "suspended": "het bewijs is geschorst"}.get(
                ev.status, "de status van het bewijs is onbekend"),
        ))
    if accepted_issuers and ev.issuer_id not in accepted_issuers:
        out.append(reason("evidence.issuer_not_accepted",
                          f"issuer {ev.issuer_id} is not accepted here",
                          f"uitgever {ev.issuer_id} wordt hier niet geaccepteerd"))
    if accepted_kinds and ev.kind not in accepted_kinds:
        out.append(reason("evidence.kind_not_accepted",
                          f"a {ev.kind} does not count here",
                          f"een bewijs van soort {ev.kind} telt hier niet mee"))
    if not assurance_at_least(ev.record.get("assurance"), min_assurance):
        out.append(reason("evidence.assurance_too_low",
                          f"assurance {ev.record.get('assurance')} is below {min_assurance}",
                          f"zekerheid {ev.record.get('assurance')} is lager dan {min_assurance}"))
    awarded = ev.award_date
    if max_age_years and awarded is not None:
        age_days = (today - awarded).days
        if age_days > max_age_years * 365.25:
            out.append(reason("evidence.too_old",
                              f"awarded {awarded.isoformat()}, more than {max_age_years:g} years ago",
                              f"behaald op {awarded.isoformat()}, meer dan {max_age_years:g} jaar geleden"))
    validity = ev.record.get("validity")
    if isinstance(validity, Mapping) and isinstance(validity.get("valid_until"), str):
        until = validity["valid_until"][:10]
        if until < today.isoformat():
            out.append(reason("evidence.expired", f"valid until {until}",
                              f"geldig tot {until}"))
    return out


def claim_meets(
    claim: SkillClaim,
    *,
    min_level: Mapping[str, Any] | None,
    min_assurance: str | None,
) -> list[dict[str, Any]]:
    """Reasons why one skill claim falls short of a level/assurance requirement."""
    out: list[dict[str, Any]] = []
    if min_level:
        sources = min_level.get("sources") or DEFAULT_SOURCES
        if claim.level is None:
            out.append(reason("evidence.level_missing", "no level is stated for this skill",
                              "voor deze vaardigheid is geen niveau vermeld"))
        elif claim.level.get("source") not in sources:
            out.append(reason(
                "evidence.level_source_not_accepted",
                f"a level from source '{claim.level.get('source')}' does not count here",
                f"een niveau met bron '{claim.level.get('source')}' telt hier niet mee"))
        elif not levels.at_least(claim.level, min_level):
            out.append(reason(
                "evidence.level_too_low",
                f"level {level_label(claim.level)} is below {level_label(min_level)}",
                f"niveau {level_label(claim.level)} is lager dan {level_label(min_level)}"))
    if not assurance_at_least(claim.assurance, min_assurance):
        out.append(reason("evidence.assurance_too_low",
                          f"assurance {claim.assurance} is below {min_assurance}",
                          f"zekerheid {claim.assurance} is lager dan {min_assurance}"))
    return out


def claims_for_skill(ev: Evidence, skill: str) -> list[SkillClaim]:
    return [c for c in skill_claims(ev) if c.skill == skill]
