"""Reading the Open Badges 3.0 form back into a record (see :mod:`rotonde.learning.ob3`)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from rotonde.errors import ValidationError
from rotonde.learning import levels as _levels
from rotonde.learning._common import (
    as_list,
    date_from_datetime,
    date_to_datetime,
    get,
    parse_number,
    put,
)
from rotonde.learning._ob3_legacy import EXT_CONTEXT_URL, read_legacy
from rotonde.learning._ob3_terms import (
    ACHIEVEMENT_TYPES,
    KINDS,
    LEVEL_TARGET,
    SKILL_TARGET,
    read_awarding_body,
    read_learner,
)
from rotonde.learning.record import ASSURANCES, validate_record

__all__ = ["ACHIEVEMENT_TYPES", "FACTS", "LEVEL_SOURCE", "LEVEL_TARGET", "SKILL_TARGET",
           "carried", "primary_language", "read"]

LEVEL_SOURCE = "level_source"

_ASSESSMENT_TYPES = ("written_exam", "oral_exam", "practical_exam", "portfolio", "project",
                     "observation_at_work", "criterion_based_interview", "self_assessment",
                     "other")
#: Facts OB 3.0 has no property for, carried as ``ResultDescription`` + ``Result``:
#: key -> (``resultType``, ``name``, ``allowedValue`` s or ``()`` for free text).
FACTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "assurance": ("ext:Assurance", "Assurance", ASSURANCES),
    LEVEL_SOURCE: ("ext:LevelSource", "Source of the level", _levels.SOURCES),
    "workload_hours": ("ext:WorkloadHours", "Notional workload in hours", ()),
    "assessment_type": ("ext:AssessmentType", "Type of assessment", _ASSESSMENT_TYPES),
    "assessment_description": ("ext:AssessmentDescription", "Assessment", ()),
    "assessment_supervision": ("ext:AssessmentSupervision", "Supervision of the assessment",
                               ("on_site", "online_proctored", "unsupervised")),
    "identity_verified": ("ext:IdentityVerified", "Identity verified at the assessment",
                          ("true", "false")),
    "participation": ("ext:Participation", "Form of participation",
                      ("online", "on_site", "blended")),
    "quality_assurance_type": ("ext:QualityAssuranceType", "Type of quality assurance",
                               ("accredited_institution", "accredited_programme",
                                "sector_standard", "internal", "none")),
    "quality_assurance_body": ("ext:QualityAssuranceBody", "Quality assurance body", ()),
    "quality_assurance_description": ("ext:QualityAssuranceDescription", "Quality assurance",
                                      ()),
    "accreditation_id": ("ext:AccreditationId", "Accreditation", ()),
    "entry_requirement": ("ext:EntryRequirement", "Entry requirements", ()),
}
_BY_TYPE = {rt: key for key, (rt, _, _) in FACTS.items()}
_GRADE_NAME = re.compile(r"^Grade \((.+)\)$", re.S)


def primary_language(text: Mapping[str, str]) -> str:
    """The one language the OB 3.0 form carries: Dutch when present, else English, else the
    first."""
    for lang in ("nl", "en"):
        if lang in text:
            return lang
    return next(iter(text))


def _one(text: Mapping[str, Any] | None, lang: str) -> dict[str, str] | None:
    if not text:
        return None
    return {lang: text.get(lang) or next(iter(text.values()))}


def carried(record: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a (valid) record the OB 3.0 form carries: what :func:`read` gives back.

    Every text keeps one language (:func:`primary_language` of the title); a description equal
    to the title and a ``valid_from`` at midnight of the award date are implied; nothing else
    is lost."""
    rec: dict[str, Any] = copy.deepcopy(dict(record))
    lang = primary_language(rec["title"])
    rec["title"] = _one(rec["title"], lang)
    if "description" in rec:
        rec["description"] = _one(rec["description"], lang)
        if rec["description"] == rec["title"]:
            del rec["description"]
    rec["awarding_body"]["name"] = _one(rec["awarding_body"]["name"], lang)
    for oc in rec["learning_outcomes"]:
        oc["title"] = _one(oc["title"], lang)
    for where in (rec.get("assessment"), rec.get("quality_assurance")):
        if where and "description" in where:
            where["description"] = _one(where["description"], lang)
    if "prerequisites" in rec:
        rec["prerequisites"] = _one(rec["prerequisites"], lang)
    validity = rec.get("validity")
    if validity and validity.get("valid_from") == date_to_datetime(rec["award_date"]):
        del validity["valid_from"]
        if not validity:
            del rec["validity"]
    return rec


def _text(value: Any, lang: str) -> dict[str, str] | None:
    return {lang: value} if isinstance(value, str) and value else None


def _level(al: Any) -> dict[str, Any] | None:
    url = get(al, "targetUrl")
    return _levels.from_uri(url) if isinstance(url, str) else None


def _facts(ach: Mapping[str, Any], subject: Any) -> list[tuple[str, str, list[Any]]]:
    """``(key, value, alignments)`` of every fact the subject's results give."""
    descriptions = {get(d, "id"): d for d in as_list(ach.get("resultDescription"))
                    if isinstance(d, Mapping)}
    out: list[tuple[str, str, list[Any]]] = []
    for res in as_list(get(subject, "result")):
        rd = descriptions.get(get(res, "resultDescription"))
        key = _BY_TYPE.get(str(get(rd, "resultType")))
        value = get(res, "value")
        if rd is not None and key is not None and isinstance(value, str):
            out.append((key, value, as_list(rd.get("alignment"))))
    return out


def read(credential: Mapping[str, Any]) -> dict[str, Any]:
    """Read an OB 3.0 form (signed or not) back into a record; ``ValidationError`` otherwise."""
    ctx = credential.get("@context")
    if isinstance(ctx, list) and EXT_CONTEXT_URL in ctx:  # issued before issue 15
        return read_legacy(credential)
    subject = get(credential, "credentialSubject")
    ach = get(subject, "achievement")
    if not isinstance(ach, Mapping):
        raise ValidationError("ob3.achievement_missing",
                              "the credential has no credentialSubject.achievement",
                              message_nl="het bewijs heeft geen credentialSubject.achievement",
                              pointer="/credentialSubject/achievement")
    lang: str = ach["inLanguage"] if isinstance(ach.get("inLanguage"), str) else "en"
    rec: dict[str, Any] = {"record_version": "1.0"}
    put(rec, "id", ach.get("id") if isinstance(ach.get("id"), str) else None)
    put(rec, "kind", KINDS.get(str(ach.get("achievementType"))))
    put(rec, "title", _text(ach.get("name"), lang))
    if ach.get("description") != ach.get("name"):
        put(rec, "description", _text(ach.get("description"), lang))
    rec["learner"] = read_learner(subject)
    creator = ach.get("creator")
    rec["awarding_body"] = read_awarding_body(creator, _text(get(creator, "name"), lang))
    put(rec, "award_date", date_from_datetime(credential.get("awardedDate")))
    validity: dict[str, Any] = {}
    valid_from = credential.get("validFrom")
    if "award_date" not in rec or valid_from != date_to_datetime(rec["award_date"]):
        put(validity, "valid_from", valid_from)
    put(validity, "valid_until", credential.get("validUntil"))
    if validity:
        rec["validity"] = validity
    for entry in as_list(ach.get("otherIdentifier")):
        system = str(get(entry, "identifierType"))
        if system in ("ext:crebo", "ext:croho"):
            rec["qualification"] = {"code_system": system[4:], "code": get(entry, "identifier")}
    facts = _facts(ach, subject)
    sources = {(tuple(get(a, "targetUrl") for a in als)): v
               for k, v, als in facts if k == LEVEL_SOURCE}
    assurances = {get(als[0], "targetUrl") if als else None: v
                  for k, v, als in facts if k == "assurance"}
    outcomes: list[dict[str, Any]] = []
    levels: list[dict[str, Any]] = []
    for al in as_list(ach.get("alignment")):
        if not isinstance(al, Mapping):
            continue
        if al.get("targetType") == SKILL_TARGET:
            oc: dict[str, Any] = {}
            put(oc, "skill", al.get("targetUrl"))
            put(oc, "title", _text(al.get("targetName"), lang))
            for key, source in sources.items():
                if len(key) == 2 and key[0] == al.get("targetUrl"):
                    lvl = _levels.from_uri(str(key[1]))
                    if lvl is not None:
                        lvl["source"] = source
                        oc["level"] = lvl
            put(oc, "assurance", assurances.get(al.get("targetUrl")))
            outcomes.append(oc)
        elif al.get("targetType") == LEVEL_TARGET:
            lvl = _level(al)
            if lvl is not None:
                put(lvl, "source", sources.get((al.get("targetUrl"),)))
                levels.append(lvl)
    if levels:
        rec["level"] = levels[0]
    if levels[1:]:
        rec["equivalent_levels"] = levels[1:]
    rec["learning_outcomes"] = outcomes
    plain = {k: v for k, v, als in facts if not als}
    work: dict[str, Any] = {}
    put(work, "ects", parse_number(ach.get("creditsAvailable")))
    put(work, "hours", parse_number(plain.get("workload_hours")))
    if work:
        rec["workload"] = work
    if "assessment_type" in plain:
        assessment: dict[str, Any] = {"type": plain["assessment_type"]}
        put(assessment, "description", _text(plain.get("assessment_description"), lang))
        put(assessment, "supervised", plain.get("assessment_supervision"))
        verified = plain.get("identity_verified")
        put(assessment, "identity_verified", {"true": True, "false": False}.get(str(verified)))
        rec["assessment"] = assessment
    put(rec, "participation", plain.get("participation"))
    if "quality_assurance_type" in plain:
        qa: dict[str, Any] = {"type": plain["quality_assurance_type"]}
        put(qa, "body", plain.get("quality_assurance_body"))
        put(qa, "description", _text(plain.get("quality_assurance_description"), lang))
        put(qa, "accreditation_id", plain.get("accreditation_id"))
        rec["quality_assurance"] = qa
    descriptions = {get(d, "id"): d for d in as_list(ach.get("resultDescription"))}
    for res in as_list(get(subject, "result")):
        rd = descriptions.get(get(res, "resultDescription"))
        if get(rd, "resultType") == "Result" and isinstance(get(res, "value"), str):
            grade: dict[str, Any] = {"value": res["value"]}
            m = _GRADE_NAME.match(str(get(rd, "name")))
            put(grade, "scale", m.group(1) if m else None)
            rec["grade"] = grade
            break
    put(rec, "prerequisites", _text(plain.get("entry_requirement"), lang))
    part_of = [get(r, "id") for r in as_list(ach.get("related"))
               if isinstance(get(r, "id"), str)]
    if part_of:
        rec["stackability"] = {"part_of": part_of}
    put(rec, "assurance", assurances.get(None))
    return validate_record(rec)
