"""Reading Open Badges 3.0 credentials Rotonde issued before issue 15: those name Rotonde's
extension context ``https://rotonde.example/contexts/ob3-ext/v1.jsonld`` and carry the facts
OB 3.0 has no property for as extension terms (``credentialKind``, ``nameTranslations``,
``levelSource``, ``assurance``, ``workloadHours``, ``assessmentType``, ...). Wallets still hold
them; :func:`rotonde.learning.ob3.read` hands them here. Nothing builds this form any more."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.errors import ValidationError
from rotonde.learning import levels as _levels
from rotonde.learning._common import (
    ASSESSMENT_FIELDS,
    as_list,
    date_from_datetime,
    get,
    parse_number,
    put,
    renamed,
    text_map,
)
from rotonde.learning._ob3_terms import KINDS, LEVEL_TARGET, SKILL_TARGET, read_awarding_body, read_learner
from rotonde.learning.record import validate_record

__all__ = ["EXT_CONTEXT_URL", "read_legacy"]

#: The extension context the old form named.
EXT_CONTEXT_URL = "https://rotonde.example/contexts/ob3-ext/v1.jsonld"



def _text(translations: Any, plain: Any) -> dict[str, str] | None:
    mapped = text_map(translations)
    if mapped:
        return mapped
    return {"en": plain} if isinstance(plain, str) and plain else None


def _level(al: Mapping[str, Any]) -> dict[str, Any] | None:
    parsed = _levels.from_uri(al["targetUrl"]) if isinstance(al.get("targetUrl"), str) else None
    if parsed is not None:
        parsed["source"] = al.get("levelSource")
    return parsed


def read_legacy(credential: Mapping[str, Any]) -> dict[str, Any]:
    """Read an old-form OB 3.0 credential (signed or not) back into a record;
    ``ValidationError`` otherwise."""
    subject = get(credential, "credentialSubject")
    ach = get(subject, "achievement")
    if not isinstance(ach, Mapping):
        raise ValidationError("ob3.achievement_missing",
                              "the credential has no credentialSubject.achievement",
                              message_nl="het bewijs heeft geen credentialSubject.achievement",
                              pointer="/credentialSubject/achievement")
    rec: dict[str, Any] = {"record_version": "1.0"}
    put(rec, "id", ach.get("id") if isinstance(ach.get("id"), str) else None)
    kind = ach.get("credentialKind") or KINDS.get(str(ach.get("achievementType")))
    put(rec, "kind", kind)
    put(rec, "title", _text(ach.get("nameTranslations"), ach.get("name")))
    put(rec, "description", text_map(ach.get("descriptionTranslations")))
    rec["learner"] = read_learner(subject)
    creator = ach.get("creator")
    name = _text(get(creator, "nameTranslations"), get(creator, "name"))
    rec["awarding_body"] = read_awarding_body(creator, name)
    put(rec, "award_date", date_from_datetime(credential.get("awardedDate")))
    validity: dict[str, Any] = {}
    if credential.get("validFromDefaulted") is not True:
        put(validity, "valid_from", credential.get("validFrom"))
    put(validity, "valid_until", credential.get("validUntil"))
    if validity:
        rec["validity"] = validity
    for entry in as_list(ach.get("otherIdentifier")):
        system = str(get(entry, "identifierType"))
        if system in ("ext:crebo", "ext:croho"):
            rec["qualification"] = {"code_system": system[4:], "code": get(entry, "identifier")}
    outcomes: list[dict[str, Any]] = []
    for al in as_list(ach.get("alignment")):
        if not isinstance(al, Mapping):
            continue
        if al.get("targetType") == SKILL_TARGET:
            oc: dict[str, Any] = {}
            put(oc, "skill", al.get("targetUrl"))
            put(oc, "title", _text(al.get("nameTranslations"), al.get("targetName")))
            if isinstance(al.get("outcomeLevel"), str):
                lvl = _levels.from_uri(al["outcomeLevel"])
                if lvl is not None:
                    lvl["source"] = al.get("levelSource")
                put(oc, "level", lvl)
            put(oc, "assurance", al.get("assurance"))
            outcomes.append(oc)
        elif al.get("targetType") == LEVEL_TARGET:
            lvl = _level(al)
            if lvl is None:
                continue
            if al.get("levelRole") == "main":
                rec["level"] = lvl
            else:
                rec.setdefault("equivalent_levels", []).append(lvl)
    rec["learning_outcomes"] = outcomes
    work: dict[str, Any] = {}
    put(work, "ects", parse_number(ach.get("creditsAvailable")))
    put(work, "hours", parse_number(ach.get("workloadHours")))
    if work:
        rec["workload"] = work
    if ach.get("assessmentType") is not None:
        assessment: dict[str, Any] = {"type": ach["assessmentType"]}
        put(assessment, "description", text_map(ach.get("assessmentDescription")))
        assessment.update(renamed(ach, ASSESSMENT_FIELDS))
        rec["assessment"] = assessment
    put(rec, "participation", ach.get("participation"))
    if ach.get("qualityAssuranceType") is not None:
        qa: dict[str, Any] = {"type": ach["qualityAssuranceType"]}
        put(qa, "body", ach.get("qualityAssuranceBody"))
        put(qa, "description", text_map(ach.get("qualityAssuranceDescription")))
        put(qa, "accreditation_id", ach.get("accreditationId"))
        rec["quality_assurance"] = qa
    result = next((r for r in as_list(get(subject, "result")) if isinstance(r, Mapping)), None)
    if result is not None and isinstance(result.get("value"), str):
        grade: dict[str, Any] = {"value": result["value"]}
        rd = next((d for d in as_list(ach.get("resultDescription"))
                   if get(d, "id") == result.get("resultDescription")), None)
        put(grade, "scale", get(rd, "gradeScale"))
        rec["grade"] = grade
    put(rec, "prerequisites", text_map(ach.get("entryRequirement")))
    part_of = [p for p in as_list(ach.get("stackableInto")) if isinstance(p, str)]
    if part_of:
        rec["stackability"] = {"part_of": part_of}
    put(rec, "assurance", get(subject, "assurance"))
    return validate_record(rec)
