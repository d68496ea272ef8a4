"""The Open Badges 3.0 form: a record as an ``OpenBadgeCredential`` on published contexts only.

The credential names two contexts, both published and served by their owners: VCDM 2.0
(``https://www.w3.org/ns/credentials/v2``) and OB 3.0.3
(``https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json``). 1EdTech's published extension
context (``.../v3p0/extensions.json``) defines only the 1EdTech validator, revocation-list and
refresh types, none of which fits, so no other context is named and every verifier can process
the credential without Rotonde's help (issue 15 A.1). Every property is an OB 3.0 term (OB 3.0
§B data model); ``docs/open-badges.md`` lists the mapping term by term.

* ``credentialSubject`` is an ``AchievementSubject`` (§B.1.4): ``identifier``
  (``IdentityObject`` s, §B.2.10: the learner's name, identifier, birth date), ``creditsEarned``
  (ECTS), and ``result`` s (§B.1.11);
* ``achievement`` is an ``Achievement`` (§B.1.2): ``achievementType`` (§B.3.1, ``ext:`` for the
  kinds OB 3.0 does not enumerate), ``name``, ``description`` and ``inLanguage`` (one language),
  ``criteria``, ``creditsAvailable`` (ECTS), ``creator`` (the awarding body ``Profile`` with its
  ``address`` and ``otherIdentifier`` s BRIN/KvK/RIO, §B.2.8), ``otherIdentifier`` (CREBO/CROHO),
  ``related`` (the achievements it stacks into, §B.1.12) and ``alignment`` s (§B.1.3): one per
  ESCO skill (``targetType`` ``ceasn:Competency``) and one per level (``targetType``
  ``ext:QualificationsFrameworkLevel``, main level first);
* what OB 3.0 has no property for, but which is a fact about how this learner's achievement was
  established -- the assurance, the level sources, the outcome levels, the assessment, the form
  of participation, the quality assurance, the workload in hours, the entry requirements -- is a
  ``ResultDescription`` (§B.1.12: ``resultType`` is an extensible enumeration, §B.3.13) with an
  ``ext:`` result type, aligned to the skill or level it is about, and a ``Result`` of the
  subject giving the value. The grade is a ``ResultDescription`` of type ``Result``.

What OB 3.0 cannot carry (its ``name``/``description`` are plain strings): translations -- one
language is carried (Dutch when present, else English, else the first), named by ``inLanguage``.
:func:`carried` gives the part of a record that survives the form; :func:`read` returns exactly
that.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from rotonde.encoding import canonical_json
from rotonde.learning import levels as _levels
from rotonde.learning._common import date_to_datetime, number_text
from rotonde.learning._ob3_read import (
    ACHIEVEMENT_TYPES,
    FACTS,
    LEVEL_SOURCE,
    LEVEL_TARGET,
    SKILL_TARGET,
    carried,
    primary_language,
    read,
)
from rotonde.learning.record import validate_record

__all__ = ["OB3_CONTEXT_URL", "VC_V2", "build", "carried", "is_ob3", "primary_language", "read"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _pick(text: Mapping[str, str], lang: str) -> str:
    return text.get(lang) or next(iter(text.values()))


def _derived_id(rec: Mapping[str, Any], what: str) -> str:
    seed = rec.get("id") or canonical_json(dict(rec)).decode("utf-8")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{seed}#{what}')}"


def _level_alignment(level: Mapping[str, Any]) -> dict[str, Any]:
    fw, value = level["framework"], level["value"]
    name = f"{fw} level {value}" if value != "entry" else "NLQF entry level"
    return {"type": ["Alignment"], "targetType": LEVEL_TARGET, "targetFramework": fw,
            "targetName": name, "targetUrl": _levels.to_uri(level), "targetCode": str(value)}


def _skill_alignment(oc: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return {"type": ["Alignment"], "targetType": SKILL_TARGET, "targetFramework": "ESCO",
            "targetName": _pick(oc["title"], lang), "targetUrl": oc["skill"],
            "targetCode": oc["skill"].rsplit("/", 1)[1]}


def _profile(pid: str, name: Mapping[str, str], body: Mapping[str, Any] | None,
             lang: str) -> dict[str, Any]:
    prof: dict[str, Any] = {"id": pid, "type": ["Profile"], "name": _pick(name, lang)}
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


class _Facts:
    """The ``ResultDescription`` s of the achievement and the subject's matching ``Result`` s."""

    def __init__(self, ach_id: str) -> None:
        self.ach_id = ach_id
        self.descriptions: list[dict[str, Any]] = []
        self.results: list[dict[str, Any]] = []

    def add(self, key: str, value: str, *, suffix: str = "",
            alignment: list[dict[str, Any]] | None = None) -> None:
        result_type, name, allowed = FACTS[key]
        rd: dict[str, Any] = {"id": f"{self.ach_id}#{key}{suffix}", "type": ["ResultDescription"],
                              "name": name, "resultType": result_type}
        if allowed:
            rd["allowedValue"] = list(allowed)
        if alignment:
            rd["alignment"] = alignment
        self.descriptions.append(rd)
        self.results.append({"type": ["Result"], "resultDescription": rd["id"], "value": value})


def _narrative(rec: Mapping[str, Any], lang: str) -> str:
    assessment = rec.get("assessment") or {}
    text = assessment.get("description") or rec.get("description") or rec["title"]
    return _pick(text, lang)


def _achievement(rec: Mapping[str, Any], lang: str, facts: _Facts) -> dict[str, Any]:
    ach: dict[str, Any] = {
        "id": facts.ach_id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[rec["kind"]],
        "name": _pick(rec["title"], lang),
        "description": _pick(rec.get("description") or rec["title"], lang),
        "inLanguage": lang,
        "criteria": {"narrative": _narrative(rec, lang)},
    }
    alignments: list[dict[str, Any]] = []
    for i, oc in enumerate(rec["learning_outcomes"]):
        skill = _skill_alignment(oc, lang)
        alignments.append(skill)
        if "level" in oc:
            facts.add(LEVEL_SOURCE, oc["level"]["source"], suffix=f"-outcome-{i}",
                      alignment=[skill, _level_alignment(oc["level"])])
        if "assurance" in oc:
            facts.add("assurance", oc["assurance"], suffix=f"-outcome-{i}", alignment=[skill])
    levels = ([rec["level"]] if "level" in rec else []) + list(rec.get("equivalent_levels", []))
    for i, lvl in enumerate(levels):
        al = _level_alignment(lvl)
        alignments.append(al)
        facts.add(LEVEL_SOURCE, lvl["source"], suffix=f"-{i}", alignment=[al])
    if alignments:
        ach["alignment"] = alignments
    work = rec.get("workload") or {}
    if "ects" in work:
        ach["creditsAvailable"] = work["ects"]
    if "hours" in work:
        facts.add("workload_hours", number_text(work["hours"]))
    body = rec["awarding_body"]
    ach["creator"] = _profile(body["id"], body["name"], body, lang)
    if "qualification" in rec:
        q = rec["qualification"]
        ach["otherIdentifier"] = [{"type": "IdentifierEntry", "identifier": q["code"],
                                   "identifierType": f"ext:{q['code_system']}"}]
    part_of = (rec.get("stackability") or {}).get("part_of")
    if part_of:
        ach["related"] = [{"id": iri, "type": ["Related"]} for iri in part_of]
    assessment = rec.get("assessment") or {}
    if assessment:
        facts.add("assessment_type", assessment["type"])
        if "description" in assessment:
            facts.add("assessment_description", _pick(assessment["description"], lang))
        if "supervised" in assessment:
            facts.add("assessment_supervision", assessment["supervised"])
        if "identity_verified" in assessment:
            facts.add("identity_verified", "true" if assessment["identity_verified"] else "false")
    if "participation" in rec:
        facts.add("participation", rec["participation"])
    qa = rec.get("quality_assurance") or {}
    if qa:
        facts.add("quality_assurance_type", qa["type"])
        if "body" in qa:
            facts.add("quality_assurance_body", qa["body"])
        if "description" in qa:
            facts.add("quality_assurance_description", _pick(qa["description"], lang))
        if "accreditation_id" in qa:
            facts.add("accreditation_id", qa["accreditation_id"])
    if "prerequisites" in rec:
        facts.add("entry_requirement", _pick(rec["prerequisites"], lang))
    facts.add("assurance", rec["assurance"])
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

    ``credential_id`` defaults to a name-based UUID URN derived from the record (OB 3.0 §B.1.1
    requires an ``id``). Raises :class:`ValidationError` for an invalid record.
    """
    rec = validate_record(record)
    lang = primary_language(rec["title"])
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
    ects = (rec.get("workload") or {}).get("ects")
    if ects is not None:
        subject["creditsEarned"] = ects
    facts = _Facts(rec.get("id") or _derived_id(rec, "achievement"))
    achievement = _achievement(rec, lang, facts)
    results = list(facts.results)
    descriptions = list(facts.descriptions)
    if "grade" in rec:
        scale = rec["grade"].get("scale")
        grade_rd = {"id": f"{facts.ach_id}#grade", "type": ["ResultDescription"],
                    "name": f"Grade ({scale})" if scale else "Grade", "resultType": "Result"}
        descriptions.insert(0, grade_rd)
        results.insert(0, {"type": ["Result"], "value": rec["grade"]["value"],
                           "resultDescription": grade_rd["id"]})
    achievement["resultDescription"] = descriptions
    subject["achievement"] = achievement
    subject["result"] = results
    body = rec["awarding_body"]
    vc: dict[str, Any] = {
        "@context": [VC_V2, OB3_CONTEXT_URL],
        "id": credential_id or _derived_id(rec, "ob3"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": _pick(rec["title"], lang),
        "issuer": _profile(issuer_id, issuer_name or body["name"], None, lang),
    }
    validity = rec.get("validity") or {}
    vc["validFrom"] = validity.get("valid_from") or date_to_datetime(rec["award_date"])
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

