"""The canonical achievement record: one format-independent dict per learning achievement.

Schema: ``schemas/achievement-record.schema.json`` (``$id``
``https://rotonde.example/schemas/achievement-record/1.0``). The ELM 3, Open Badges 3.0 and
SD-JWT VC forms are rendered from a record and read back into the same record.

Beyond the schema, :func:`validate_record` enforces:

* levels carry a known framework, an in-range value and a source (docs/architecture.md §1); the main level and
  its ``equivalent_levels`` must map onto each other (NLQF n = EQF n, NLQF entry has no EQF);
* assurance (docs/architecture.md §1): a self-asserted claim cannot carry a level from any source but ``self``
  and a level with source ``self`` cannot sit on an attested/assessed claim; a ``self_assessment``
  is self-asserted throughout; an assessment of type ``self_assessment`` cannot be ``assessed``;
* the mandatory elements of a micro-credential, Council Recommendation of 16 June 2022 on a
  European approach to micro-credentials (2022/C 243/02), Annex I part I: identification of the
  learner, title, country of the issuer, awarding body, date of issuing, learning outcomes,
  notional workload, type of assessment, form of participation, type of quality assurance (the
  level is mandatory only "if applicable");
* a ``qualification`` names its CREBO (mbo) or CROHO (higher education) code;
* ``valid_until`` is not before ``valid_from``; outcomes name each ESCO skill once.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date
from typing import Any

from jsonschema import Draft202012Validator

from rotonde._resources import load_json
from rotonde._schema_messages import translate
from rotonde.clock import parse_datetime, to_timestamp
from rotonde.errors import Problem, ValidationError
from rotonde.learning import levels as _levels

__all__ = [
    "ASSURANCES",
    "EU_MANDATORY_ELEMENTS",
    "KINDS",
    "RECORD_SCHEMA_ID",
    "assurance_at_least",
    "claim_assurance",
    "outcome_level",
    "record_problems",
    "schema",
    "validate_record",
]

#: ``$id`` of the record schema (``schemas/achievement-record.schema.json``).
RECORD_SCHEMA_ID = "https://rotonde.example/schemas/achievement-record/1.0"

KINDS = ("microcredential", "qualification", "evc", "employer_attestation", "self_assessment")

#: Assurance of a claim, weakest first.
ASSURANCES = ("self_asserted", "attested", "assessed")

#: Annex I part I element -> record field (``level`` is "if applicable", so not listed).
EU_MANDATORY_ELEMENTS: dict[str, str] = {
    "identification of the learner": "learner",
    "title of the micro-credential": "title",
    "country/region of the issuer": "awarding_body/country",
    "awarding body": "awarding_body",
    "date of issuing": "award_date",
    "learning outcomes": "learning_outcomes",
    "notional workload": "workload",
    "type of assessment": "assessment",
    "form of participation": "participation",
    "type of quality assurance": "quality_assurance",
}


def schema() -> dict[str, Any]:
    """The record JSON Schema (a fresh copy)."""
    doc: dict[str, Any] = load_json("achievement-record.schema.json")
    return doc


def _validator() -> Draft202012Validator:
    from rotonde.schema import validator

    return validator(RECORD_SCHEMA_ID)


def assurance_at_least(assurance: str | None, minimum: str | None) -> bool:
    """True when ``assurance`` is as strong as ``minimum`` (self_asserted < attested < assessed).

    No minimum is always met; an unknown or missing assurance meets no minimum."""
    if minimum is None:
        return True
    return assurance in ASSURANCES and ASSURANCES.index(assurance) >= ASSURANCES.index(minimum)


def claim_assurance(record: Mapping[str, Any], outcome: Mapping[str, Any] | None = None) -> str:
    """The assurance of one outcome (its own, else the record's), or of the record."""
    if outcome is not None and isinstance(outcome.get("assurance"), str):
        return str(outcome["assurance"])
    return str(record["assurance"])


def outcome_level(
    record: Mapping[str, Any], outcome: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The level of one outcome: its own, else the record's main level, else ``None``."""
    level = outcome.get("level") or record.get("level")
    return dict(level) if isinstance(level, Mapping) else None


def _p(code: str, en: str, nl: str, pointer: str, **detail: Any) -> Problem:
    return Problem(code, en, nl, pointer, detail)


def _level_problems(rec: Mapping[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    main = rec.get("level")
    if main is not None:
        out += _levels.check_level(main, "/level")
    for i, lvl in enumerate(rec.get("equivalent_levels", [])):
        out += _levels.check_level(lvl, f"/equivalent_levels/{i}")
    for i, oc in enumerate(rec.get("learning_outcomes", [])):
        if "level" in oc:
            out += _levels.check_level(oc["level"], f"/learning_outcomes/{i}/level")
    if out:
        return out
    if main is not None:
        for i, lvl in enumerate(rec.get("equivalent_levels", [])):
            if lvl["framework"] == main["framework"]:
                out.append(_p(
                    "record.level_framework_repeated",
                    f"an equivalent level must use another framework than {main['framework']}",
                    f"een gelijkwaardig niveau moet een ander raamwerk gebruiken dan "
                    f"{main['framework']}",
                    f"/equivalent_levels/{i}/framework"))
            elif not _levels.same_level(main, lvl):
                out.append(_p(
                    "record.level_contradictory",
                    f"{lvl['framework']} {lvl['value']} does not map onto the main level "
                    f"{main['framework']} {main['value']}",
                    f"{lvl['framework']} {lvl['value']} komt niet overeen met het hoofdniveau "
                    f"{main['framework']} {main['value']}",
                    f"/equivalent_levels/{i}"))
    elif rec.get("equivalent_levels"):
        out.append(_p("record.required", "equivalent_levels needs a main level",
                      "equivalent_levels vraagt om een hoofdniveau (level)", "/level"))
    return out


def _assurance_problems(rec: Mapping[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    whole = rec["assurance"]
    kind = rec["kind"]
    if kind == "self_assessment" and whole != "self_asserted":
        out.append(_p(
            "record.assurance_overstated",
            f"a self-assessment is self-asserted and cannot be '{whole}'",
            f"een zelfbeoordeling is zelfverklaard en kan niet '{whole}' zijn",
            "/assurance"))
    assessment = rec.get("assessment") or {}
    if assessment.get("type") == "self_assessment" and whole == "assessed":
        out.append(_p(
            "record.assurance_overstated",
            "a self-assessment cannot make the record 'assessed'",
            "een zelfbeoordeling maakt het record niet 'assessed' (beoordeeld)",
            "/assurance"))

    def level_vs(level: Any, assurance: str, ptr: str) -> None:
        if not isinstance(level, Mapping):
            return
        src = level.get("source")
        if assurance == "self_asserted" and src != "self":
            out.append(_p(
                "record.level_source_contradicts_assurance",
                f"a self-asserted claim can only carry a self-assessed level, not '{src}'",
                f"een zelfverklaarde claim kan alleen een zelf ingeschat niveau hebben, "
                f"niet '{src}'", f"{ptr}/source"))
        elif assurance != "self_asserted" and src == "self":
            out.append(_p(
                "record.level_source_contradicts_assurance",
                f"a self-assessed level cannot be presented as '{assurance}'",
                f"een zelf ingeschat niveau kan niet als '{assurance}' gelden",
                f"{ptr}/source"))

    level_vs(rec.get("level"), whole, "/level")
    for i, lvl in enumerate(rec.get("equivalent_levels", [])):
        level_vs(lvl, whole, f"/equivalent_levels/{i}")
    for i, oc in enumerate(rec.get("learning_outcomes", [])):
        own = claim_assurance(rec, oc)
        if kind == "self_assessment" and own != "self_asserted":
            out.append(_p(
                "record.assurance_overstated",
                "a self-assessment cannot contain attested or assessed outcomes",
                "een zelfbeoordeling kan geen bevestigde of beoordeelde leeruitkomsten bevatten",
                f"/learning_outcomes/{i}/assurance"))
        if "level" in oc:
            level_vs(oc["level"], own, f"/learning_outcomes/{i}/level")
    return out


def _kind_problems(rec: Mapping[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    if rec["kind"] == "microcredential":
        for element, field in EU_MANDATORY_ELEMENTS.items():
            head = field.split("/")[0]
            value = rec.get(head)
            if value in (None, [], {}, ""):
                out.append(_p(
                    "record.eu_mandatory_missing",
                    f"a micro-credential must state the {element} (EU Council Recommendation "
                    "2022/C 243/02, Annex I)",
                    f"een microcredential moet dit verplichte element vermelden: {element} "
                    "(Raadsaanbeveling 2022/C 243/02, bijlage I)",
                    f"/{head}", element=element))
    if rec["kind"] == "qualification" and "qualification" not in rec:
        out.append(_p(
            "record.required",
            "a qualification must name its CREBO or CROHO code",
            "een kwalificatie moet haar CREBO- of CROHO-code vermelden",
            "/qualification"))
    validity = rec.get("validity") or {}
    start, end = validity.get("valid_from"), validity.get("valid_until")
    if start and end and _instant(end) < _instant(start):
        out.append(_p("record.validity_inverted", "valid_until is before valid_from",
                      "valid_until ligt vóór valid_from", "/validity/valid_until"))
    seen: dict[str, int] = {}
    for i, oc in enumerate(rec.get("learning_outcomes", [])):
        if oc["skill"] in seen:
            out.append(_p("record.outcome_duplicate",
                          f"skill already listed at /learning_outcomes/{seen[oc['skill']]}",
                          f"vaardigheid staat al op /learning_outcomes/{seen[oc['skill']]}",
                          f"/learning_outcomes/{i}/skill"))
        seen.setdefault(oc["skill"], i)
    return out


def _instant(value: str) -> float:
    return to_timestamp(parse_datetime(value))


def _calendar_problems(rec: Mapping[str, Any]) -> list[Problem]:
    """Dates that match the pattern but do not exist (2025-02-30, 24:00 and the like)."""
    out: list[Problem] = []
    dates = [("/award_date", rec.get("award_date"))]
    dates.append(("/learner/birth_date", (rec.get("learner") or {}).get("birth_date")))
    for ptr, value in dates:
        if isinstance(value, str):
            try:
                date.fromisoformat(value)
            except ValueError:
                out.append(_p("record.date_invalid", "is not an existing calendar date",
                              "is geen bestaande kalenderdatum", ptr))
    for name, value in (rec.get("validity") or {}).items():
        try:
            _instant(value)
        except (ValueError, OverflowError):
            out.append(_p("record.datetime_invalid", "is not an existing date-time",
                          "is geen bestaande datum-tijd", f"/validity/{name}"))
    return out


def record_problems(data: Any) -> list[Problem]:
    """Every problem of ``data`` as an achievement record (empty list when valid)."""
    if not isinstance(data, dict):
        return [_p("record.not_object", "an achievement record must be a JSON object",
                   "een leerresultaat-record moet een JSON-object zijn", "")]
    try:
        problems = translate(_validator().iter_errors(data))
    except (RecursionError, TypeError, ValueError) as exc:  # pathological input
        return [_p("record.invalid", f"record cannot be checked: {type(exc).__name__}",
                   "record kan niet worden gecontroleerd", "")]
    if problems:
        return problems
    problems = _calendar_problems(data)
    if problems:
        return problems
    return _level_problems(data) + _assurance_problems(data) + _kind_problems(data)


def validate_record(data: Any) -> dict[str, Any]:
    """Check ``data`` against the schema and the semantic rules; return a deep copy.

    Raises :class:`ValidationError` (code of the first problem; every problem in
    ``.problems`` with a JSON pointer and English and Dutch messages).
    """
    problems = record_problems(data)
    if problems:
        raise ValidationError(problems=problems)
    result: dict[str, Any] = copy.deepcopy(data)
    return result
