"""The Open Badges 3.0 form: a record as an ``OpenBadgeCredential`` (1EdTech OB 3.0).

Where OB 3.0 defines a place, it is used (OB 3.0 §B data model):

* ``credentialSubject`` is an ``AchievementSubject``: ``identifier`` (``IdentityObject`` s for
  the learner's name, identifier and birth date), ``creditsEarned`` (ECTS) and a ``result`` with
  the grade, described by the achievement's ``resultDescription``;
* ``achievement`` is an ``Achievement``: ``achievementType``, ``name``, ``description``,
  ``criteria``, ``creditsAvailable`` (ECTS), ``creator`` (the awarding body ``Profile`` with its
  ``address`` and ``otherIdentifier`` BRIN/KvK/RIO), ``otherIdentifier`` (CREBO/CROHO) and
  ``alignment`` s: one per ESCO skill (``targetType`` ``ceasn:Competency``, ``targetFramework``
  ESCO, ``targetUrl`` the ESCO URI) and one per level (``targetType``
  ``ext:QualificationsFrameworkLevel``, ``targetUrl`` ``http://data.europa.eu/snb/eqf/<n>`` or
  the NLQF IRI);
* ``awardedDate``, ``validFrom``, ``validUntil``, ``issuer`` (a ``Profile``).

What OB 3.0 has no place for (texts in both languages, level source, assurance, assessment,
participation, quality assurance, workload hours, stackability) uses Rotonde's extension context
``https://rotonde.example/contexts/ob3-ext/v1.jsonld`` (OB 3.0 §7 extensions: an added context).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from rotonde.encoding import canonical_json
from rotonde.learning import levels as _levels
from rotonde.learning._common import ASSESSMENT_TERMS, date_to_datetime, renamed
from rotonde.learning._ob3_read import ACHIEVEMENT_TYPES, LEVEL_TARGET, SKILL_TARGET, read
from rotonde.learning.record import validate_record

__all__ = ["EXT_CONTEXT_URL", "OB3_CONTEXT_URL", "VC_V2", "build", "is_ob3", "read"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EXT_CONTEXT_URL = "https://rotonde.example/contexts/ob3-ext/v1.jsonld"
#: The record's assessment and quality assurance as extension terms of the achievement.
_ASSESSMENT_TERMS = {"type": "assessmentType", "description": "assessmentDescription",
                     **ASSESSMENT_TERMS}
_QA_TERMS = {"type": "qualityAssuranceType", "body": "qualityAssuranceBody",
             "description": "qualityAssuranceDescription", "accreditation_id": "accreditationId"}


def _first(text: Mapping[str, str]) -> str:
    return text.get("nl") or text.get("en") or next(iter(text.values()))


def _derived_id(rec: Mapping[str, Any], what: str) -> str:
    seed = rec.get("id") or canonical_json(dict(rec)).decode("utf-8")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{seed}#{what}')}"


def _level_alignment(level: Mapping[str, Any], role: str) -> dict[str, Any]:
    fw, value = level["framework"], level["value"]
    name = f"{fw} level {value}" if value != "entry" else "NLQF entry level"
    return {"type": ["Alignment"], "targetType": LEVEL_TARGET, "targetFramework": fw,
            "targetName": name, "targetUrl": _levels.to_uri(level), "targetCode": str(value),
            "levelSource": level["source"], "levelRole": role}


def _profile(pid: str, name: Mapping[str, str], body: Mapping[str, Any] | None) -> dict[str, Any]:
    prof: dict[str, Any] = {"id": pid, "type": ["Profile"], "name": _first(name),
                            "nameTranslations": dict(name)}
    if body is not None:
        if "url" in body:
            prof["url"] = body["url"]
        prof["address"] = {"type": ["Address"], "addressCountryCode": body["country"]}
        regs = body.get("registry_ids") or {}
        if regs:
            prof["otherIdentifier"] = [
                {"type": "IdentifierEntry", "identifier": regs[k], "identifierType": f"ext:{k}"}
                for k in ("brin", "kvk", "rio") if k in regs]
    return prof


def _achievement(rec: Mapping[str, Any]) -> dict[str, Any]:
    ach_id = rec.get("id") or _derived_id(rec, "achievement")
    ach: dict[str, Any] = {
        "id": ach_id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[rec["kind"]],
        "credentialKind": rec["kind"],
        "name": _first(rec["title"]),
        "nameTranslations": dict(rec["title"]),
        "description": _first(rec.get("description") or rec["title"]),
    }
    if "description" in rec:
        ach["descriptionTranslations"] = dict(rec["description"])
    assessment = rec.get("assessment") or {}
    narrative = assessment.get("description") or rec.get("description") or rec["title"]
    ach["criteria"] = {"narrative": _first(narrative)}
    alignments: list[dict[str, Any]] = []
    for oc in rec["learning_outcomes"]:
        al: dict[str, Any] = {
            "type": ["Alignment"], "targetType": SKILL_TARGET, "targetFramework": "ESCO",
            "targetName": _first(oc["title"]), "targetUrl": oc["skill"],
            "targetCode": oc["skill"].rsplit("/", 1)[1], "nameTranslations": dict(oc["title"]),
        }
        if "level" in oc:
            al["outcomeLevel"] = _levels.to_uri(oc["level"])
            al["levelSource"] = oc["level"]["source"]
        if "assurance" in oc:
            al["assurance"] = oc["assurance"]
        alignments.append(al)
    if "level" in rec:
        alignments.append(_level_alignment(rec["level"], "main"))
    alignments += [_level_alignment(lvl, "equivalent") for lvl in rec.get("equivalent_levels", [])]
    if alignments:
        ach["alignment"] = alignments
    work = rec.get("workload") or {}
    if "ects" in work:
        ach["creditsAvailable"] = work["ects"]
    if "hours" in work:
        ach["workloadHours"] = work["hours"]
    body = rec["awarding_body"]
    ach["creator"] = _profile(body["id"], body["name"], body)
    if "qualification" in rec:
        q = rec["qualification"]
        ach["otherIdentifier"] = [{"type": "IdentifierEntry", "identifier": q["code"],
                                   "identifierType": f"ext:{q['code_system']}"}]
    if "grade" in rec:
        rd: dict[str, Any] = {"id": f"{ach_id}#grade", "type": ["ResultDescription"],
                              "name": rec["grade"].get("scale") or "grade",
                              "resultType": "Result"}
        if "scale" in rec["grade"]:
            rd["gradeScale"] = rec["grade"]["scale"]
        ach["resultDescription"] = [rd]
    if assessment:
        ach.update(renamed(assessment, _ASSESSMENT_TERMS))
    if "participation" in rec:
        ach["participation"] = rec["participation"]
    ach.update(renamed(rec.get("quality_assurance"), _QA_TERMS))
    if "prerequisites" in rec:
        ach["entryRequirement"] = dict(rec["prerequisites"])
    part_of = (rec.get("stackability") or {}).get("part_of")
    if part_of:
        ach["stackableInto"] = list(part_of)
    return ach


def _identity(kind: str, value: str) -> dict[str, Any]:
    return {"type": "IdentityObject", "hashed": False, "identityHash": value,
            "identityType": kind}


def build(
    record: Mapping[str, Any],
    *,
    issuer_id: str,
    credential_id: str | None = None,
    issuer_name: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Render a record as an unsigned OB 3.0 ``OpenBadgeCredential`` (VCDM 2.0).

    ``credential_id`` defaults to a name-based UUID URN derived from the record (OB 3.0 requires
    an ``id``). Raises :class:`ValidationError` for an invalid record.
    """
    rec = validate_record(record)
    learner = rec["learner"]
    subject: dict[str, Any] = {}
    if "id" in learner:
        subject["id"] = learner["id"]
    subject["type"] = ["AchievementSubject"]
    idents = [_identity("name", learner["name"])]
    if "identifier" in learner:
        idents.append(_identity("identifier", learner["identifier"]))
    if "birth_date" in learner:
        idents.append(_identity("ext:birthDate", learner["birth_date"]))
    subject["identifier"] = idents
    subject["assurance"] = rec["assurance"]
    ects = (rec.get("workload") or {}).get("ects")
    if ects is not None:
        subject["creditsEarned"] = ects
    achievement = _achievement(rec)
    subject["achievement"] = achievement
    if "grade" in rec:
        subject["result"] = [{"type": ["Result"], "value": rec["grade"]["value"],
                              "resultDescription": achievement["resultDescription"][0]["id"]}]
    body = rec["awarding_body"]
    vc: dict[str, Any] = {
        "@context": [VC_V2, OB3_CONTEXT_URL, EXT_CONTEXT_URL],
        "id": credential_id or _derived_id(rec, "ob3"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": _first(rec["title"]),
        "issuer": _profile(issuer_id, issuer_name or body["name"], None),
    }
    validity = rec.get("validity") or {}
    vc["validFrom"] = validity.get("valid_from") or date_to_datetime(rec["award_date"])
    if "valid_from" not in validity:
        vc["validFromDefaulted"] = True
    if "valid_until" in validity:
        vc["validUntil"] = validity["valid_until"]
    vc["awardedDate"] = date_to_datetime(rec["award_date"])
    vc["credentialSubject"] = subject
    return vc


def is_ob3(data: object) -> bool:
    """True for a dict whose ``@context`` lists an OB 3.0 context."""
    ctx = data.get("@context") if isinstance(data, Mapping) else None
    return isinstance(ctx, list) and any(
        isinstance(c, str) and c.startswith("https://purl.imsglobal.org/spec/ob/v3p0/context")
        for c in ctx)
