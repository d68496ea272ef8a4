"""Reading the ELM form back into a record (see :mod:`rotonde.learning.elm`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.errors import Problem, ValidationError
from rotonde.learning import levels as _levels
from rotonde.learning._common import (
    ASSESSMENT_FIELDS,
    as_list,
    country_from_iri,
    date_from_datetime,
    get,
    hours_from_duration,
    parse_number,
    put,
    renamed,
    text_map,
)
from rotonde.learning.record import validate_record

__all__ = ["REGISTRY_SCHEMES", "read"]

#: registry id key of the record -> ``schemeName`` of the ELM identifier.
REGISTRY_SCHEMES = {"brin": "BRIN", "rio": "RIO"}


def _read_level(assignment: Any, problems: list[Problem], ptr: str) -> dict[str, Any] | None:
    parsed = _levels.from_uri(get(assignment, "level")) if isinstance(
        get(assignment, "level"), str) else None
    if parsed is None:
        problems.append(Problem("elm.level_invalid", "level is not an EQF or NLQF level IRI",
                                "niveau is geen EQF- of NLQF-niveau-IRI", ptr))
        return None
    parsed["source"] = get(assignment, "levelSource")
    return parsed


def read(credential: Mapping[str, Any]) -> dict[str, Any]:
    """Read an ELM form (signed or not) back into a record; ``ValidationError`` otherwise."""
    problems: list[Problem] = []
    subject = get(credential, "credentialSubject")
    ach = get(subject, "hasClaim")
    spec = get(ach, "specifiedBy")
    if not isinstance(ach, Mapping) or not isinstance(spec, Mapping):
        raise ValidationError("elm.claim_missing",
                              "the credential has no LearningAchievement with a specification",
                              message_nl="het bewijs bevat geen LearningAchievement met "
                              "specificatie", pointer="/credentialSubject/hasClaim")
    rec: dict[str, Any] = {"record_version": "1.0"}
    if isinstance(ach.get("id"), str):
        rec["id"] = ach["id"]
    rec["kind"] = ach.get("credentialKind") or (
        "qualification" if get(spec, "type") == "Qualification" else "microcredential")
    put(rec, "title", text_map(ach.get("title")))
    put(rec, "description", text_map(ach.get("elmDescription")))
    learner: dict[str, Any] = {}
    put(learner, "id", get(subject, "id"))
    put(learner, "identifier", get(subject, "identifier", "notation"))
    name = get(subject, "learnerName")
    if not isinstance(name, str):
        names = text_map(get(subject, "fullName")) or {}
        name = next(iter(names.values()), None)
    put(learner, "name", name)
    put(learner, "birth_date", date_from_datetime(get(subject, "dateOfBirth")))
    rec["learner"] = learner
    org = get(ach, "awardedBy", "awardingBody")
    body: dict[str, Any] = {}
    put(body, "id", get(org, "id"))
    put(body, "name", text_map(get(org, "legalName")))
    put(body, "country", country_from_iri(get(org, "location", "address", "countryCode", "id")))
    put(body, "url", get(org, "homepage", "contentURL"))
    regs = {k: i.get("notation") for i in as_list(get(org, "identifier")) if isinstance(i, dict)
            for k, scheme in REGISTRY_SCHEMES.items() if i.get("schemeName") == scheme}
    if get(org, "registration", "schemeName") == "KvK":
        regs["kvk"] = get(org, "registration", "notation")
    if regs:
        body["registry_ids"] = regs
    rec["awarding_body"] = body
    put(rec, "award_date", date_from_datetime(get(ach, "awardedBy", "awardingDate")))
    validity: dict[str, Any] = {}
    put(validity, "valid_from", credential.get("validFrom"))
    put(validity, "valid_until", credential.get("validUntil"))
    if validity:
        rec["validity"] = validity
    if isinstance(get(spec, "identifier", "notation"), str):
        rec["qualification"] = {"code_system": str(get(spec, "identifier", "schemeName")).lower(),
                                "code": get(spec, "identifier", "notation")}
    outcomes = []
    for i, node in enumerate(as_list(spec.get("learningOutcome"))):
        oc: dict[str, Any] = {}
        put(oc, "skill", get(node, "relatedESCOSkill", "id"))
        put(oc, "title", text_map(get(node, "title")))
        if get(node, "outcomeLevel") is not None:
            put(oc, "level", _read_level(get(node, "outcomeLevel"), problems,
                                          f"/learning_outcomes/{i}/level"))
        put(oc, "assurance", get(node, "assurance"))
        outcomes.append(oc)
    rec["learning_outcomes"] = outcomes
    for assignment in as_list(spec.get("levelAssignment")):
        lvl = _read_level(assignment, problems, "/level")
        if lvl is None:
            continue
        if get(assignment, "levelRole") == "main":
            rec["level"] = lvl
        else:
            rec.setdefault("equivalent_levels", []).append(lvl)
    work: dict[str, Any] = {}
    put(work, "ects", parse_number(get(spec, "creditPoint", "point")))
    put(work, "hours", hours_from_duration(spec.get("volumeOfLearning")))
    if work:
        rec["workload"] = work
    put(rec, "participation", spec.get("participation"))
    put(rec, "prerequisites", text_map(get(spec, "entryRequirement", "noteLiteral")))
    part_of = [p for p in as_list(spec.get("stackableInto")) if isinstance(p, str)]
    if part_of:
        rec["stackability"] = {"part_of": part_of}
    acc = spec.get("accreditation")
    if isinstance(acc, Mapping):
        qa: dict[str, Any] = {}
        put(qa, "type", acc.get("qualityAssuranceType"))
        put(qa, "body", acc.get("qualityAssuranceBody"))
        put(qa, "description", text_map(acc.get("elmDescription")))
        put(qa, "accreditation_id", get(acc, "identifier", "notation"))
        rec["quality_assurance"] = qa
    proven = ach.get("provenBy")
    if isinstance(proven, Mapping):
        pspec = get(proven, "specifiedBy")
        if get(pspec, "assessmentType") is not None:
            assessment: dict[str, Any] = {"type": get(pspec, "assessmentType")}
            put(assessment, "description", text_map(get(pspec, "elmDescription")))
            assessment.update(renamed(proven, ASSESSMENT_FIELDS))
            rec["assessment"] = assessment
        grade_text = text_map(get(proven, "grade", "noteLiteral"))
        if grade_text:
            grade = {"value": next(iter(grade_text.values()))}
            scale = text_map(get(pspec, "gradingScheme", "title"))
            if scale:
                grade["scale"] = next(iter(scale.values()))
            rec["grade"] = grade
    put(rec, "assurance", ach.get("assurance"))
    if problems:
        raise ValidationError(problems=problems)
    return validate_record(rec)
