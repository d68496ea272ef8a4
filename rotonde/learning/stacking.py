"""Stacking: how far a set of verified credentials goes towards a pathway or qualification.

A pathway (``schemas/pathway.schema.json``) lists requirements — a skill (ESCO URI) at a
minimum level and assurance, or a specific achievement — plus a minimum workload, accepted
issuers and kinds, and a maximum age of evidence. :func:`progress` says, for each requirement,
whether it is met and by which credentials; how many credits count; and for each credential
whether it counts and why (or why not). It is the EU micro-credentials idea of stackability
(Council Recommendation 2022/C 243/02, Annex I "stackability") made checkable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rotonde import schema
from rotonde.learning._criteria import (
    RequirementOutcome,
    claim_meets,
    claims_for_skill,
    evidence_usable,
)
from rotonde.learning.evidence import Evidence, reason

__all__ = [
    "PATHWAY_SCHEMA_ID",
    "CredentialUse",
    "Progress",
    "RequirementProgress",
    "progress",
    "validate_pathway",
]

PATHWAY_SCHEMA_ID = "https://rotonde.example/schemas/pathway/1.0"


def validate_pathway(pathway: Any) -> dict[str, Any]:
    """Return ``pathway`` if it satisfies the pathway schema; raise ValidationError otherwise."""
    result = schema.validate(pathway, PATHWAY_SCHEMA_ID, code_prefix="pathway")
    ids = [r["id"] for r in result["requirements"]]
    if len(set(ids)) != len(ids):
        from rotonde.errors import ValidationError

        raise ValidationError(
            "pathway.duplicate_requirement", "requirement ids must be unique",
            message_nl="requirement-id's moeten uniek zijn", pointer="/requirements",
        )
    return result


#: One requirement of the pathway, met or not (shared with :mod:`rotonde.learning.matching`).
RequirementProgress = RequirementOutcome


@dataclass(frozen=True)
class CredentialUse:
    ref: str
    title: Mapping[str, str]
    counts: bool
    towards: tuple[str, ...]
    reasons: tuple[dict[str, Any], ...] = ()
    ects: float = 0.0
    hours: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref, "title": dict(self.title), "counts": self.counts,
            "towards": list(self.towards), "reasons": list(self.reasons),
            "ects": self.ects, "hours": self.hours,
        }


@dataclass(frozen=True)
class Progress:
    """The outcome of :func:`progress`; ``complete`` when every mandatory requirement and the
    workload minimum are met."""

    pathway_id: str
    title: Mapping[str, str]
    requirements: tuple[RequirementProgress, ...]
    credentials: tuple[CredentialUse, ...]
    credits: Mapping[str, float]
    min_workload: Mapping[str, float]
    workload_met: bool
    complete: bool
    missing: tuple[str, ...] = field(default=())
    in_force: bool = True

    @property
    def fraction(self) -> float:
        """Share of mandatory requirements met (0.0-1.0)."""
        mandatory = [r for r in self.requirements if not r.optional]
        return sum(r.met for r in mandatory) / len(mandatory) if mandatory else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "pathway": self.pathway_id, "title": dict(self.title), "complete": self.complete,
            "fraction": round(self.fraction, 4), "credits": dict(self.credits),
            "min_workload": dict(self.min_workload), "workload_met": self.workload_met,
            "missing": list(self.missing), "in_force": self.in_force,
            "requirements": [r.to_dict() for r in self.requirements],
            "credentials": [c.to_dict() for c in self.credentials],
        }


def _requirement_reasons(
    req: Mapping[str, Any], ev: Evidence
) -> tuple[bool, list[dict[str, Any]]]:
    """Does ``ev`` satisfy ``req``? With reasons when it does not."""
    if "achievement" in req and ev.record.get("id") == req["achievement"]:
        return True, []
    skill = req.get("skill")
    if not skill:
        return False, [reason("evidence.other_achievement", "a different achievement",
                              "een andere prestatie")]
    claims = claims_for_skill(ev, skill)
    if not claims:
        return False, [reason("evidence.skill_absent", "does not cover this skill",
                              "dekt deze vaardigheid niet")]
    best: list[dict[str, Any]] | None = None
    for claim in claims:
        problems = claim_meets(
            claim, min_level=req.get("min_level"), min_assurance=req.get("min_assurance")
        )
        if not problems:
            return True, []
        if best is None or len(problems) < len(best):
            best = problems
    return False, best or []


def progress(
    pathway: Mapping[str, Any],
    evidence: Iterable[Evidence],
    *,
    today: date | None = None,
) -> Progress:
    """Evaluate ``evidence`` against ``pathway`` (validated first)."""
    validate_pathway(pathway)
    today = today or date.today()
    items = list(evidence)
    usable: dict[str, list[dict[str, Any]]] = {
        ev.ref: evidence_usable(
            ev,
            accepted_issuers=pathway.get("accepted_issuers"),
            accepted_kinds=pathway.get("accepted_kinds"),
            min_assurance=pathway.get("min_assurance"),
            max_age_years=pathway.get("max_age_years"),
            today=today,
        )
        for ev in items
    }
    towards: dict[str, list[str]] = {ev.ref: [] for ev in items}
    per_cred_reasons: dict[str, list[dict[str, Any]]] = {ev.ref: list(usable[ev.ref]) for ev in items}
    req_results: list[RequirementProgress] = []
    for req in pathway["requirements"]:
        met_by: list[str] = []
        reasons: list[dict[str, Any]] = []
        for ev in items:
            if usable[ev.ref]:
                continue
            ok, why = _requirement_reasons(req, ev)
            if ok:
                met_by.append(ev.ref)
                towards[ev.ref].append(req["id"])
            elif why and why[0]["code"] != "evidence.skill_absent":
                reasons.extend({**w, "credential": ev.ref} for w in why)
        req_results.append(RequirementProgress(
            req["id"], req["title"], bool(met_by), bool(req.get("optional", False)),
            tuple(met_by), tuple(reasons) if not met_by else (),
        ))
    uses: list[CredentialUse] = []
    ects = hours = 0.0
    for ev in items:
        counts = bool(towards[ev.ref])
        e, h = ev.workload()
        if counts:
            ects += e
            hours += h
        elif not usable[ev.ref]:
            per_cred_reasons[ev.ref].append(reason(
                "evidence.no_requirement", "meets none of the pathway's requirements",
                "voldoet aan geen van de eisen van de leerroute"))
        uses.append(CredentialUse(ev.ref, ev.title, counts, tuple(towards[ev.ref]),
                                  tuple(per_cred_reasons[ev.ref]), e if counts else 0.0,
                                  h if counts else 0.0))
    minimum = pathway.get("min_workload") or {}
    workload_met = ects >= float(minimum.get("ects", 0)) and hours >= float(minimum.get("hours", 0))
    missing = tuple(r.id for r in req_results if not r.met and not r.optional)
    window = pathway.get("validity") or {}
    in_force = (window.get("valid_from", "")[:10] <= today.isoformat()) and (
        today.isoformat() <= window.get("valid_until", "9999")[:10]
    )
    return Progress(
        str(pathway["id"]), pathway["title"], tuple(req_results), tuple(uses),
        {"ects": round(ects, 2), "hours": round(hours, 2)}, dict(minimum), workload_met,
        not missing and workload_met and in_force, missing, in_force,
    )
