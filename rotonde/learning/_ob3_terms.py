"""The Open Badges 3.0 terms both OB forms use (the current one and the form before issue 15):
the record kind as ``achievementType``, the ``targetType`` of level and skill alignments, and
the learner's ``IdentityObject`` s and the ``creator`` Profile, which both forms read alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rotonde.learning._common import as_list, get, put

__all__ = ["ACHIEVEMENT_TYPES", "KINDS", "LEVEL_TARGET", "SKILL_TARGET", "read_awarding_body",
           "read_learner"]

#: record kind -> OB 3.0 ``achievementType`` (§B.3.1 AchievementType; kinds it does not
#: enumerate use the ``ext:`` prefix, as its extensible enumerations allow).
ACHIEVEMENT_TYPES = {
    "microcredential": "MicroCredential",
    "qualification": "Diploma",
    "evc": "Certificate",
    "employer_attestation": "ext:EmployerAttestation",
    "self_assessment": "ext:SelfAssessment",
}
#: OB 3.0 ``achievementType`` -> record kind.
KINDS = {v: k for k, v in ACHIEVEMENT_TYPES.items()}
#: ``targetType`` of level and skill alignments (§B.3.3 AlignmentTargetType).
LEVEL_TARGET = "ext:QualificationsFrameworkLevel"
SKILL_TARGET = "ceasn:Competency"


#: ``IdentityObject.identityType`` -> record learner field (OB 3.0 §B.2.6; ``ext:`` extension).
_IDENTITY_FIELDS = {"name": "name", "identifier": "identifier", "ext:birthDate": "birth_date"}
#: ``otherIdentifier`` types of the awarding body's registrations.
_REGISTRY_TYPES = ("ext:brin", "ext:kvk", "ext:rio")


def read_learner(subject: Any) -> dict[str, Any]:
    """The record's ``learner`` from ``credentialSubject``: its ``id`` and the unhashed
    ``identifier`` entries (OB 3.0 §B.1.3 AchievementSubject, §B.2.6 IdentityObject)."""
    learner: dict[str, Any] = {}
    put(learner, "id", get(subject, "id"))
    for ident in as_list(get(subject, "identifier")):
        field = _IDENTITY_FIELDS.get(str(get(ident, "identityType")))
        if field and get(ident, "hashed") is False:
            put(learner, field, get(ident, "identityHash"))
    return learner


def read_awarding_body(creator: Any, name: dict[str, str] | None) -> dict[str, Any]:
    """The record's ``awarding_body`` from the achievement's ``creator`` Profile (OB 3.0 §B.2.9);
    ``name`` is read by the caller, because the two forms carry translations differently."""
    body: dict[str, Any] = {}
    put(body, "id", get(creator, "id"))
    put(body, "name", name)
    put(body, "country", get(creator, "address", "addressCountryCode"))
    put(body, "url", get(creator, "url"))
    regs: Mapping[str, Any] = {str(get(e, "identifierType"))[4:]: get(e, "identifier")
                               for e in as_list(get(creator, "otherIdentifier"))
                               if str(get(e, "identifierType")) in _REGISTRY_TYPES}
    if regs:
        body["registry_ids"] = dict(regs)
    return body
