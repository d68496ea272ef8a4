"""The Open Badges 3.0 terms both OB forms use (the current one and the form before issue 15):
the record kind as ``achievementType`` and the ``targetType`` of level and skill alignments."""

from __future__ import annotations

__all__ = ["ACHIEVEMENT_TYPES", "KINDS", "LEVEL_TARGET", "SKILL_TARGET"]

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
