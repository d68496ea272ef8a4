"""The ELM 3 form: a record as a European Digital Credential on VCDM 2.0.

Vocabulary: European Learning Model 3 (``http://data.europa.eu/snb/model/elm/``): the subject
``elm:Person`` ``elm:hasClaim`` an ``elm:LearningAchievement``, ``elm:awardedBy`` an
``elm:AwardingProcess`` (``elm:awardingBody``, ``elm:awardingDate``), ``elm:specifiedBy`` an
``elm:LearningAchievementSpecification`` (or ``elm:Qualification``) with ``elm:learningOutcome``
(``elm:relatedESCOSkill``), ``elm:EQFLevel``/``elm:NQFLevel``, ``elm:creditPoint`` (ECTS),
``elm:volumeOfLearning`` (``xsd:duration``), ``elm:mode``, ``elm:entryRequirement``,
``elm:isPartOf`` and ``elm:accreditation``; ``elm:provenBy`` an ``elm:LearningAssessment`` with
``elm:grade``.

The published EDC context redefines ``description``, which the VCDM 2.0 context protects, so
this form uses Rotonde's own context (``schemas/contexts/elm-vcdm2.jsonld``, URL
:data:`CONTEXT_URL`) that maps the same terms to the same ELM IRIs and names ``dc:description``
``elmDescription``. What ELM cannot say (level source, assurance, credential kind, supervision)
uses terms in ``https://rotonde.example/vocab#``. Deviations from the EDC SHACL shapes are listed
in ``docs/elm-shacl.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.jsonld.own import digest_sri, own_context_file, own_context_url
from rotonde.learning import levels as _levels
from rotonde.learning._common import (
    ASSESSMENT_TERMS,
    country_iri,
    date_to_datetime,
    hours_to_duration,
    number_text,
    renamed,
)
from rotonde.learning._elm_read import REGISTRY_SCHEMES, read
from rotonde.learning.esco import ESCO_SKILLS_SCHEME
from rotonde.learning.record import validate_record

__all__ = ["CONTEXT_URL", "VC_V2", "build", "context_url", "is_elm", "read"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
_CONTEXT_FILE = "elm-vcdm2.jsonld"
#: This form's context under the default base; a deployment names it under its own
#: vocabulary base (:func:`context_url`, :mod:`rotonde.jsonld.own`).
CONTEXT_URL = own_context_url(_CONTEXT_FILE)

_ECTS = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
_ECTS_SCHEME = "http://data.europa.eu/snb/education-credit/25831c2"
_EQF_SCHEME = "http://data.europa.eu/snb/eqf/25831c2"
_NLQF_SCHEME = "https://rotonde.example/levels/nlqf"
_MODE_SCHEME = "http://data.europa.eu/snb/learning-assessment/25831c2"
#: ELM "mode of learning and assessment" concepts (EU Vocabularies), as used by EC samples.
_MODES = {
    "online": ("http://data.europa.eu/snb/learning-assessment/920fbb3cbe", "Online"),
    "blended": ("http://data.europa.eu/snb/learning-assessment/e92d221e4d", "Blended"),
}
_PROFILE_GENERIC = "http://data.europa.eu/snb/credential/e34929035b"


def _concept(iri: str, labels: Mapping[str, str] | None, scheme: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": iri, "type": "Concept"}
    if labels:
        out["prefLabel"] = dict(labels)
    if scheme:
        out["inScheme"] = {"id": scheme, "type": "ConceptScheme"}
    return out


def _level_concept(level: Mapping[str, Any]) -> dict[str, Any]:
    fw, value = level["framework"], level["value"]
    if fw == "EQF":
        labels = {"en": f"EQF level {value}", "nl": f"EQF-niveau {value}"}
    elif value == "entry":
        labels = {"en": "NLQF entry level", "nl": "NLQF instapniveau"}
    else:
        labels = {"en": f"NLQF level {value}", "nl": f"NLQF-niveau {value}"}
    return _concept(_levels.to_uri(level), labels, _EQF_SCHEME if fw == "EQF" else _NLQF_SCHEME)


def _assignment(level: Mapping[str, Any], role: str) -> dict[str, Any]:
    return {"type": "LevelAssignment", "level": _levels.to_uri(level),
            "levelSource": level["source"], "levelRole": role}


def _organisation(body: Mapping[str, Any]) -> dict[str, Any]:
    country = body["country"]
    org: dict[str, Any] = {
        "id": body["id"],
        "type": "Organisation",
        "legalName": dict(body["name"]),
        "location": {"type": "Location", "address": {
            "type": "Address",
            "countryCode": _concept(country_iri(country), None,
                                    "http://publications.europa.eu/resource/authority/country"),
        }},
    }
    regs = body.get("registry_ids") or {}
    ids = [{"type": "Identifier", "schemeName": scheme, "notation": regs[key]}
           for key, scheme in REGISTRY_SCHEMES.items() if key in regs]
    if ids:
        org["identifier"] = ids
    if "kvk" in regs:
        org["registration"] = {"type": "LegalIdentifier", "schemeName": "KvK",
                               "notation": regs["kvk"], "spatial": country_iri(country)}
    if "url" in body:
        org["homepage"] = {"type": "WebResource", "contentURL": body["url"]}
    return org


def _specification(rec: Mapping[str, Any]) -> dict[str, Any]:
    kind = rec["kind"]
    spec: dict[str, Any] = {
        "type": "Qualification" if kind == "qualification" else "LearningAchievementSpecification",
        "title": dict(rec["title"]),
    }
    if "description" in rec:
        spec["elmDescription"] = dict(rec["description"])
    outcomes = []
    for oc in rec["learning_outcomes"]:
        node: dict[str, Any] = {
            "type": "LearningOutcome",
            "title": dict(oc["title"]),
            "relatedESCOSkill": _concept(oc["skill"], oc["title"], ESCO_SKILLS_SCHEME),
        }
        if "level" in oc:
            node["outcomeLevel"] = _assignment(oc["level"], "outcome")
        if "assurance" in oc:
            node["assurance"] = oc["assurance"]
        outcomes.append(node)
    if outcomes:
        spec["learningOutcome"] = outcomes
    assignments = []
    all_levels = [(rec["level"], "main")] if "level" in rec else []
    all_levels += [(lvl, "equivalent") for lvl in rec.get("equivalent_levels", [])]
    for lvl, role in all_levels:
        spec["eqfLevel" if lvl["framework"] == "EQF" else "nqfLevel"] = _level_concept(lvl)
        assignments.append(_assignment(lvl, role))
    if assignments:
        spec["levelAssignment"] = assignments
    work = rec.get("workload") or {}
    if "ects" in work:
        spec["creditPoint"] = {"type": "CreditPoint", "point": number_text(work["ects"]),
                               "framework": _concept(_ECTS, {"en": "European Credit Transfer "
                                                     "System"}, _ECTS_SCHEME)}
    if "hours" in work:
        spec["volumeOfLearning"] = hours_to_duration(work["hours"])
    if "participation" in rec:
        spec["participation"] = rec["participation"]
        if rec["participation"] in _MODES:
            iri, label = _MODES[rec["participation"]]
            spec["mode"] = _concept(iri, {"en": label}, _MODE_SCHEME)
    if "prerequisites" in rec:
        spec["entryRequirement"] = {"type": "Note", "noteLiteral": dict(rec["prerequisites"])}
    if "qualification" in rec:
        q = rec["qualification"]
        spec["identifier"] = {"type": "Identifier", "schemeName": q["code_system"].upper(),
                              "notation": q["code"]}
    part_of = (rec.get("stackability") or {}).get("part_of")
    if part_of:
        # elm:isPartOf must point at a specification; a pathway is not one (docs/elm-shacl.md).
        spec["stackableInto"] = list(part_of)
    if "quality_assurance" in rec:
        qa = rec["quality_assurance"]
        acc: dict[str, Any] = {"type": "Accreditation", "qualityAssuranceType": qa["type"],
                               "title": dict(qa.get("description") or
                                             {"en": f"Quality assurance: {qa['type']}"})}
        if "description" in qa:
            acc["elmDescription"] = dict(qa["description"])
        if "body" in qa:
            acc["qualityAssuranceBody"] = qa["body"]
        if "accreditation_id" in qa:
            acc["identifier"] = {"type": "Identifier", "notation": qa["accreditation_id"]}
        spec["accreditation"] = acc
    return spec


def _assessment(rec: Mapping[str, Any], awarding: Mapping[str, Any]) -> dict[str, Any] | None:
    assessment, grade = rec.get("assessment"), rec.get("grade")
    if assessment is None and grade is None:
        return None
    title = {lang: f"{'Beoordeling' if lang == 'nl' else 'Assessment'}: {text}"
             for lang, text in rec["title"].items()}
    node: dict[str, Any] = {"type": "LearningAssessment", "title": title, "awardedBy": {
        "type": "AwardingProcess", "awardingBody": {"id": awarding["awardingBody"]["id"]}}}
    spec: dict[str, Any] = {"type": "LearningAssessmentSpecification", "title": title}
    if assessment is not None:
        spec["assessmentType"] = assessment["type"]
        if "description" in assessment:
            spec["elmDescription"] = dict(assessment["description"])
        node.update(renamed(assessment, ASSESSMENT_TERMS))
    if grade is not None:
        node["grade"] = {"type": "Note", "noteLiteral": {"nl": grade["value"]}}
        if "scale" in grade:
            spec["gradingScheme"] = {"type": "GradingScheme", "title": {"nl": grade["scale"]}}
    node["specifiedBy"] = spec
    return node


def build(
    record: Mapping[str, Any],
    *,
    issuer_id: str,
    credential_id: str | None = None,
    issuer_name: Mapping[str, str] | None = None,
    vocab_base: str | None = None,
) -> dict[str, Any]:
    """Render a record as an unsigned ELM 3 credential (VCDM 2.0, ``EuropeanDigitalCredential``).

    The credential names this form's context under ``vocab_base`` (the deployment's published
    vocabularies; default :data:`~rotonde.jsonld.own.DEFAULT_BASE`) and binds its digest in
    ``relatedResource`` (VCDM 2.0 §5.3).

    ``issuer_id`` is the DID that will sign. The issuer node carries the awarding body's legal
    name and location (ELM requires both; the issuer is the awarding body or acts for it) unless
    ``issuer_name`` is given. Raises :class:`ValidationError` for an invalid record.
    """
    rec = validate_record(record)
    body = rec["awarding_body"]
    awarding = {"type": "AwardingProcess", "awardingBody": _organisation(body),
                "awardingDate": date_to_datetime(rec["award_date"])}
    achievement: dict[str, Any] = {"type": "LearningAchievement"}
    if "id" in rec:
        achievement["id"] = rec["id"]
    achievement.update({
        "title": dict(rec["title"]),
        "credentialKind": rec["kind"],
        "assurance": rec["assurance"],
        "awardedBy": awarding,
        "specifiedBy": _specification(rec),
    })
    if "description" in rec:
        achievement["elmDescription"] = dict(rec["description"])
    proven = _assessment(rec, awarding)
    if proven is not None:
        achievement["provenBy"] = proven
    learner = rec["learner"]
    subject: dict[str, Any] = {}
    if "id" in learner:
        subject["id"] = learner["id"]
    subject["type"] = "Person"
    subject["fullName"] = {"nl": learner["name"]}
    subject["learnerName"] = learner["name"]
    if "birth_date" in learner:
        subject["dateOfBirth"] = date_to_datetime(learner["birth_date"])
    if "identifier" in learner:
        subject["identifier"] = {"type": "Identifier", "schemeName": "learner",
                                 "notation": learner["identifier"]}
    subject["hasClaim"] = achievement
    issuer: dict[str, Any] = {"id": issuer_id, "type": "Organisation",
                              "legalName": dict(issuer_name or body["name"])}
    issuer["location"] = _organisation(body)["location"]
    ctx_url = context_url(vocab_base)
    vc: dict[str, Any] = {"@context": [VC_V2, ctx_url]}
    if credential_id is not None:
        vc["id"] = credential_id
    vc["type"] = ["VerifiableCredential", "EuropeanDigitalCredential"]
    vc["issuer"] = issuer
    validity = rec.get("validity") or {}
    if "valid_from" in validity:
        vc["validFrom"] = validity["valid_from"]
    if "valid_until" in validity:
        vc["validUntil"] = validity["valid_until"]
    vc["credentialProfiles"] = _concept(_PROFILE_GENERIC, {"en": "Generic"}, None)
    vc["credentialSubject"] = subject
    vc["relatedResource"] = [{"id": ctx_url, "digestSRI": digest_sri(_CONTEXT_FILE),
                              "mediaType": "application/ld+json"}]
    return vc


def context_url(vocab_base: str | None = None) -> str:
    """The URL of this form's context under ``vocab_base`` (default base when ``None``)."""
    return own_context_url(_CONTEXT_FILE, vocab_base)


def is_elm(data: object) -> bool:
    """True for a dict whose ``@context`` lists this form's context."""
    ctx = data.get("@context") if isinstance(data, Mapping) else None
    return isinstance(ctx, list) and any(own_context_file(c) == _CONTEXT_FILE for c in ctx)
