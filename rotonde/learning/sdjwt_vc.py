"""The SD-JWT VC form: a record as SD-JWT VC claims with one Disclosure per meaningful claim.

draft-ietf-oauth-sd-jwt-vc: the payload carries ``vct`` (§3.2.2.1.1), validity as ``nbf`` /
``exp`` (§3.2.2.2, never selectively disclosable) and the record's own fields as claims. Every
claim a learner may want to show or hide on its own is a separate Disclosure: the title, the
description, the learner's name, birth date, identifier and DID, the awarding body, the award
date, the qualification code, the level and its equivalents, each learning outcome (array
element), the workload, assessment, form of participation, quality assurance, grade,
prerequisites and stackability. ``kind``, ``assurance``, ``validity`` and ``record_version``
stay in the clear: a verifier needs them to judge anything else.

Type metadata (draft §6, "SD-JWT VC Type Metadata") for each ``vct`` is shipped in
``schemas/vct/``: ``display`` in Dutch and English and ``claims`` metadata (``path``,
``display`` with ``locale``/``label``/``description``, ``sd``).

Alignment: the DC4EU pilot's micro-credential type (``urn:eudi:micro_credential:1``, repository
``dc4eu/vc``) nests an Open Badges 3.0 document (``credentialSubject.achievement...``) inside
the SD-JWT VC. Rotonde keeps the record's own, flat shape instead, so that every EU mandatory
element (Council Recommendation 2022/C 243/02, Annex I) is one claim that can be disclosed on
its own; the OB 3.0 form is available separately (:mod:`rotonde.learning.ob3`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from rotonde._resources import load_json, schema_files
from rotonde.clock import parse_datetime
from rotonde.errors import Problem, ValidationError
from rotonde.learning.record import validate_record

__all__ = [
    "JWT_CLAIMS",
    "VCT_BASE",
    "build",
    "disclosable_paths",
    "read",
    "type_metadata",
    "vct_for",
]

#: ``vct`` values are ``{VCT_BASE}<kind with dashes>/1.0``.
VCT_BASE = "https://rotonde.example/credentials/"

#: Claims of the JWT / SD-JWT VC envelope, not part of the record.
JWT_CLAIMS = frozenset({"vct", "vct#integrity", "iss", "iat", "nbf", "exp", "cnf", "status",
                        "sub", "jti", "aud", "_sd_alg"})

#: Record fields that are disclosable as a whole, in claim order.
_WHOLE = ("title", "description", "awarding_body", "award_date", "qualification", "level",
          "equivalent_levels", "workload", "assessment", "participation", "quality_assurance",
          "grade", "prerequisites", "stackability")
_LEARNER = ("id", "identifier", "name", "birth_date")


def vct_for(kind: str) -> str:
    """The ``vct`` of a credential kind, e.g. ``.../credentials/microcredential/1.0``."""
    return f"{VCT_BASE}{kind.replace('_', '-')}/1.0"


_KIND_OF_VCT = {vct_for(k): k for k in ("microcredential", "qualification", "evc",
                                        "employer_attestation", "self_assessment")}


def disclosable_paths(record: Mapping[str, Any]) -> list[str]:
    """The claim paths (dotted, array index as a number) that get their own Disclosure."""
    paths = [f"learner.{k}" for k in _LEARNER if k in record["learner"]]
    for name in _WHOLE:
        if name in record:
            paths.append(name)
    paths += [f"learning_outcomes.{i}" for i in range(len(record["learning_outcomes"]))]
    return paths


def _timestamp(value: str) -> int:
    return int(parse_datetime(value).timestamp())


def build(record: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], str]:
    """``(claims, disclosable paths, vct)`` for ``rotonde.sdjwt.issue`` (unsigned).

    ``nbf``/``exp`` are set from the record's validity. Raises :class:`ValidationError` for an
    invalid record.
    """
    rec = validate_record(record)
    vct = vct_for(rec["kind"])
    claims: dict[str, Any] = {"vct": vct}
    validity = rec.get("validity") or {}
    if "valid_from" in validity:
        claims["nbf"] = _timestamp(validity["valid_from"])
    if "valid_until" in validity:
        claims["exp"] = _timestamp(validity["valid_until"])
    claims.update(copy.deepcopy(rec))
    return claims, disclosable_paths(rec), vct


def read(claims: Mapping[str, Any]) -> dict[str, Any]:
    """Read processed SD-JWT VC claims (Disclosures merged in) back into a record.

    A claim that was not disclosed is simply absent; when that leaves a mandatory element out,
    the :class:`ValidationError` names it (``record.required`` with its pointer).
    """
    vct = claims.get("vct")
    rec = {k: copy.deepcopy(v) for k, v in claims.items() if k not in JWT_CLAIMS}
    if isinstance(vct, str) and vct in _KIND_OF_VCT and rec.get("kind") != _KIND_OF_VCT[vct]:
        raise ValidationError(problems=[Problem(
            "sdjwt_vc.kind_mismatch",
            f"claim 'kind' does not match vct {vct}",
            f"claim 'kind' past niet bij vct {vct}", "/kind")])
    return validate_record(rec)


def type_metadata(vct: str) -> dict[str, Any]:
    """The shipped type metadata document for ``vct``; ``ValidationError`` when unknown."""
    for name in schema_files("vct", "*.json"):
        doc = load_json(name)
        if isinstance(doc, dict) and doc.get("vct") == vct:
            return doc
    raise ValidationError("sdjwt_vc.vct_unknown", f"no type metadata for vct {vct}",
                          message_nl=f"geen typemetadata voor vct {vct}", pointer="vct")
