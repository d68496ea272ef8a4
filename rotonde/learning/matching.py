"""Requirement profiles and matching: what an employer or intake asks, and what fits.

A requirement profile (``schemas/requirement-profile.schema.json``) states skills × minimum
level × minimum assurance, credential kinds or qualification codes, and accepted issuers.
:func:`match` says which requirements the learner's verified evidence fulfils, which are gaps,
and — given a provider catalogue of achievements — which training would close each gap
("welke opleiding past bij mij"). :func:`to_dcql` turns a profile into an OpenID4VP 1.0 DCQL
query (§6) that asks only for the claims needed to decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
    "PROFILE_SCHEMA_ID",
    "MatchResult",
    "RequirementMatch",
    "match",
    "to_dcql",
    "validate_profile",
]

PROFILE_SCHEMA_ID = "https://rotonde.example/schemas/requirement-profile/1.0"


def validate_profile(profile: Any) -> dict[str, Any]:
    """Return ``profile`` if it satisfies the schema; raise ValidationError otherwise."""
    return schema.validate(profile, PROFILE_SCHEMA_ID, code_prefix="profile")


@dataclass(frozen=True)
class RequirementMatch(RequirementOutcome):
    """One requirement of the profile; a profile calls ``met`` *fulfilled*. When it is not,
    ``closing_offers`` are the catalogue's achievements that would fulfil it."""

    closing_offers: tuple[str, ...] = ()

    @property
    def fulfilled(self) -> bool:
        return self.met

    def to_dict(self) -> dict[str, Any]:
        return {**self._dict("fulfilled"), "closing_offers": list(self.closing_offers)}


@dataclass(frozen=True)
class MatchResult:
    profile_id: str
    requirements: tuple[RequirementMatch, ...]

    @property
    def fulfilled(self) -> bool:
        return all(r.fulfilled for r in self.requirements if not r.optional)

    @property
    def gaps(self) -> tuple[RequirementMatch, ...]:
        return tuple(r for r in self.requirements if not r.fulfilled)

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile_id, "fulfilled": self.fulfilled,
            "gaps": [g.id for g in self.gaps],
            "requirements": [r.to_dict() for r in self.requirements],
        }


def requirement_reasons(req: Mapping[str, Any], ev: Evidence) -> list[dict[str, Any]]:
    """Why ``ev`` does not fulfil ``req`` (empty: it does)."""
    kinds = req.get("kinds")
    if kinds and ev.kind not in kinds:
        return [reason("evidence.kind_not_accepted", f"a {ev.kind} is not what is asked",
                       f"een bewijs van soort {ev.kind} is niet wat gevraagd wordt")]
    code = req.get("qualification_code")
    if code:
        qual = ev.record.get("qualification")
        if not isinstance(qual, Mapping) or qual.get("code") != code:
            return [reason("evidence.qualification_other", f"not qualification {code}",
                           f"niet kwalificatie {code}")]
    skill = req.get("skill")
    if skill:
        claims = claims_for_skill(ev, skill)
        if not claims:
            return [reason("evidence.skill_absent", "does not cover this skill",
                           "dekt deze vaardigheid niet")]
        attempts = [
            claim_meets(c, min_level=req.get("min_level"), min_assurance=req.get("min_assurance"))
            for c in claims
        ]
        return [] if any(not a for a in attempts) else min(attempts, key=len)
    # Kind or qualification requirement: the record's own level and assurance apply.
    from rotonde.learning.evidence import SkillClaim

    whole = SkillClaim("", ev.title, ev.record.get("level"), ev.record.get("assurance"), ev)
    return claim_meets(whole, min_level=req.get("min_level"), min_assurance=req.get("min_assurance"))


def match(
    profile: Mapping[str, Any],
    evidence: Iterable[Evidence],
    *,
    catalogue: Iterable[Mapping[str, Any]] = (),
    today: date | None = None,
) -> MatchResult:
    """Match verified evidence (and, for the gaps, a provider catalogue) against a profile.

    ``catalogue`` items are achievement records as a provider offers them (no learner needed);
    an item closes a gap when a learner who earns it would fulfil the requirement.
    """
    validate_profile(profile)
    today = today or date.today()
    items = list(evidence)
    offers = [
        Evidence(record=item, ref=str(item.get("id") or i), issuer=None)
        for i, item in enumerate(catalogue)
    ]
    accepted = profile.get("accepted_issuers")
    results: list[RequirementMatch] = []
    for req in profile["requirements"]:
        met_by: list[str] = []
        why: list[dict[str, Any]] = []
        for ev in items:
            # A self-assessment is issued by the learner; the accepted-issuer list is about
            # providers, so it does not apply when the profile accepts self-assessments at all.
            blockers = evidence_usable(
                ev,
                accepted_issuers=None if ev.kind == "self_assessment" else accepted,
                accepted_kinds=profile.get("accepted_kinds"),
                today=today,
            )
            if profile.get("require_trusted_issuer") and ev.trusted is not True:
                blockers.append(reason("evidence.issuer_untrusted",
                                       "the issuer is not on the trust list",
                                       "de uitgever staat niet op de vertrouwenslijst"))
            problems = blockers or requirement_reasons(req, ev)
            if not problems:
                met_by.append(ev.ref)
            elif problems[0]["code"] not in ("evidence.skill_absent", "evidence.kind_not_accepted",
                                             "evidence.qualification_other"):
                why.extend({**p, "credential": ev.ref} for p in problems)
        closing: tuple[str, ...] = ()
        if not met_by:
            closing = tuple(
                o.ref for o in offers
                if not (accepted and o.issuer_id not in accepted) and not requirement_reasons(req, o)
            )
        results.append(RequirementMatch(
            req["id"], req["title"], bool(met_by), bool(req.get("optional", False)),
            tuple(met_by), () if met_by else tuple(why), closing,
        ))
    return MatchResult(str(profile["id"]), tuple(results))


#: Claims every requirement needs to be judged (SD-JWT VC form, :mod:`rotonde.learning.sdjwt_vc`):
#: what it is, who awarded it and at which level; ``kind`` and ``assurance`` are never
#: selectively disclosable, so they need not be asked for.
_BASE_CLAIMS: tuple[tuple[str | int | None, ...], ...] = (("title",), ("awarding_body",))


def to_dcql(profile: Mapping[str, Any]) -> dict[str, Any]:
    """An OpenID4VP 1.0 DCQL query (§6) asking only for the claims needed to decide.

    One credential query per requirement (``id`` = the requirement id), restricted to the
    ``vct`` values of the kinds it accepts; a ``credential_sets`` entry per requirement marks
    optional requirements ``required: false``. Skill requirements ask for the learning outcomes
    that name the skill (``["learning_outcomes", null, "skill"]`` with ``values``) and, when a
    minimum level applies, the level; never for the learner's name, birth date or grade.
    """
    from rotonde.learning.record import KINDS
    from rotonde.learning.sdjwt_vc import vct_for

    validate_profile(profile)
    credentials: list[dict[str, Any]] = []
    sets: list[dict[str, Any]] = []
    for req in profile["requirements"]:
        kinds = req.get("kinds") or [
            k for k in profile.get("accepted_kinds") or KINDS if k != "self_assessment"
        ]
        if (
            req.get("min_assurance") == "self_asserted"
            and "self_assessment" not in kinds
            and "self_assessment" in (profile.get("accepted_kinds") or KINDS)
        ):
            kinds = [*kinds, "self_assessment"]
        claims: list[dict[str, Any]] = [{"path": list(p)} for p in _BASE_CLAIMS]
        if req.get("skill"):
            # Only credentials whose learning outcomes include this ESCO skill match (§6.4
            # ``values``); the wallet then offers just those.
            claims.append({"path": ["learning_outcomes", None, "skill"], "values": [req["skill"]]})
        if req.get("min_level"):
            claims.append({"path": ["level"]})
        if req.get("qualification_code"):
            claims.append(
                {"path": ["qualification", "code"], "values": [req["qualification_code"]]}
            )
        credentials.append({
            "id": req["id"],
            "format": "dc+sd-jwt",
            "meta": {"vct_values": [vct_for(k) for k in kinds]},
            "claims": claims,
        })
        sets.append({"options": [[req["id"]]], "required": not req.get("optional", False)})
    return {"credentials": credentials, "credential_sets": sets}
