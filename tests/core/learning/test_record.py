"""The canonical achievement record: schema, semantic rules, bilingual field-level errors."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.errors import ValidationError
from rotonde.learning import levels
from rotonde.learning.record import (
    EU_MANDATORY_ELEMENTS,
    RECORD_SCHEMA_ID,
    assurance_at_least,
    claim_assurance,
    outcome_level,
    record_problems,
    schema,
    validate_record,
)
from tests.core.learning.learning_support import microcredential, record, record_names

ESCO = "http://data.europa.eu/esco/skill/60ff3eac-7d4d-4e51-87b8-74c3b5d62498"


def problems(data: Any) -> dict[str, str]:
    """pointer -> code of every problem (fails when ``data`` is valid)."""
    with pytest.raises(ValidationError) as info:
        validate_record(data)
    for p in info.value.problems:
        assert p.message and p.message_nl and p.message != p.message_nl, p
    return {p.pointer or "": p.code for p in info.value.problems}


def test_schema_is_versioned_2020_12_with_a_stable_https_id() -> None:
    doc = schema()
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == RECORD_SCHEMA_ID == "https://rotonde.example/schemas/achievement-record/1.0"


@pytest.mark.parametrize("name", record_names())
def test_every_example_record_is_valid(name: str) -> None:
    data = record(name)
    assert validate_record(data) == data
    assert record_problems(data) == []


def test_validate_returns_a_copy() -> None:
    data = microcredential()
    out = validate_record(data)
    out["title"]["nl"] = "changed"
    assert data["title"]["nl"] != "changed"


def test_schema_errors_are_field_level_and_bilingual() -> None:
    data = microcredential()
    del data["award_date"]
    data["awarding_body"]["country"] = "Nederland"
    data["learning_outcomes"][0]["skill"] = "http://data.europa.eu/esco/skill/welding"
    data["extra"] = 1
    data["workload"]["ects"] = -1
    found = problems(data)
    assert found == {
        "/award_date": "record.required",
        "/awarding_body/country": "record.country_invalid",
        "/learning_outcomes/0/skill": "record.esco_uri_malformed",
        "/extra": "record.unknown_field",
        "/workload/ects": "record.out_of_range",
    }


def test_not_an_object() -> None:
    assert problems([1, 2]) == {"": "record.not_object"}


@pytest.mark.parametrize(
    ("level", "code"),
    [
        ({"framework": "ISCED", "value": 3, "source": "official"}, "record.level_framework_unknown"),
        ({"framework": "EQF", "value": 9, "source": "official"}, "record.level_out_of_range"),
        ({"framework": "EQF", "value": "entry", "source": "official"}, "record.level_out_of_range"),
        ({"framework": "EQF", "value": 0, "source": "official"}, "record.level_out_of_range"),
        ({"framework": "NLQF", "value": True, "source": "official"}, "record.level_out_of_range"),
        ({"framework": "EQF", "value": 3, "source": "guess"}, "record.not_allowed"),
    ],
)
def test_unknown_frameworks_and_out_of_range_levels(level: dict[str, Any], code: str) -> None:
    data = microcredential()
    data["level"] = level
    del data["equivalent_levels"]
    assert code in problems(data).values()


def test_nlqf_entry_level_is_allowed_and_ranks_below_level_1() -> None:
    data = microcredential()
    data["level"] = {"framework": "NLQF", "value": "entry", "source": "institution"}
    del data["equivalent_levels"]
    validate_record(data)
    entry = data["level"]
    one = {"framework": "EQF", "value": 1, "source": "official"}
    assert levels.compare(entry, one) == -1
    assert levels.to_eqf(entry) is None
    assert levels.to_uri(entry) == "https://rotonde.example/levels/nlqf/entry"


def test_contradictory_levels() -> None:
    data = microcredential()
    data["equivalent_levels"] = [{"framework": "EQF", "value": 3, "source": "institution"}]
    assert problems(data) == {"/equivalent_levels/0": "record.level_contradictory"}
    data["equivalent_levels"] = [{"framework": "NLQF", "value": 2, "source": "institution"}]
    assert problems(data) == {"/equivalent_levels/0/framework": "record.level_framework_repeated"}


def test_self_assessed_level_with_another_source_is_refused() -> None:
    data = record("zelfbeoordeling")
    data["level"]["source"] = "official"
    assert problems(data) == {"/level/source": "record.level_source_contradicts_assurance"}


def test_self_source_level_cannot_be_presented_as_assessed() -> None:
    data = microcredential()
    data["learning_outcomes"][0]["level"]["source"] = "self"
    assert problems(data) == {
        "/learning_outcomes/0/level/source": "record.level_source_contradicts_assurance"}


def test_self_asserted_claims_presented_as_assessed() -> None:
    data = record("zelfbeoordeling")
    data["assurance"] = "assessed"
    found = problems(data)
    assert found["/assurance"] == "record.assurance_overstated"
    data = record("zelfbeoordeling")
    data["learning_outcomes"][1]["assurance"] = "assessed"
    assert problems(data) == {"/learning_outcomes/1/assurance": "record.assurance_overstated"}


def test_self_assessment_method_cannot_make_a_record_assessed() -> None:
    data = microcredential()
    data["assessment"]["type"] = "self_assessment"
    assert problems(data) == {"/assurance": "record.assurance_overstated"}


@pytest.mark.parametrize("element", sorted(EU_MANDATORY_ELEMENTS))
def test_missing_eu_mandatory_elements_of_a_microcredential(element: str) -> None:
    field = EU_MANDATORY_ELEMENTS[element]
    data = microcredential()
    head, _, tail = field.partition("/")
    if tail:
        del data[head][tail]
    elif head == "learning_outcomes":
        data[head] = []
    else:
        del data[head]
    found = problems(data)
    pointer = "/" + field
    assert pointer in found, found
    assert found[pointer] in ("record.required", "record.eu_mandatory_missing")


def test_eu_mandatory_message_names_the_element_in_both_languages() -> None:
    data = microcredential()
    del data["participation"]
    with pytest.raises(ValidationError) as info:
        validate_record(data)
    (p,) = info.value.problems
    assert p.code == "record.eu_mandatory_missing"
    assert "form of participation" in p.message and "form of participation" in p.message_nl
    assert p.message_nl.startswith("een microcredential")


def test_other_kinds_do_not_need_the_eu_elements() -> None:
    data = microcredential()
    data["kind"] = "employer_attestation"
    data["assurance"] = "attested"
    for name in ("workload", "assessment", "participation", "quality_assurance"):
        del data[name]
    validate_record(data)


def test_qualification_needs_its_code() -> None:
    data = record("evc-lasser")
    data["kind"] = "qualification"
    del data["qualification"]
    assert problems(data) == {"/qualification": "record.required"}
    data["qualification"] = {"code_system": "crebo", "code": "2530"}
    assert problems(data) == {"/qualification/code": "record.qualification_code_invalid"}


def test_calendar_and_validity_checks() -> None:
    data = microcredential()
    data["award_date"] = "2025-02-30"
    assert problems(data) == {"/award_date": "record.date_invalid"}
    data = microcredential()
    data["validity"] = {"valid_from": "2025-03-14T00:00:00Z", "valid_until": "2025-03-13T23:00:00Z"}
    assert problems(data) == {"/validity/valid_until": "record.validity_inverted"}
    data["validity"] = {"valid_from": "2025-03-14"}
    assert problems(data) == {"/validity/valid_from": "record.datetime_invalid"}


def test_duplicate_skills() -> None:
    data = microcredential()
    data["learning_outcomes"].append(copy.deepcopy(data["learning_outcomes"][0]))
    assert problems(data) == {"/learning_outcomes/2/skill": "record.outcome_duplicate"}


def test_registry_ids() -> None:
    data = record("mc-tekening-lezen")
    data["awarding_body"]["registry_ids"]["brin"] = "25-QX"
    data["awarding_body"]["registry_ids"]["kvk"] = "123"
    assert problems(data) == {"/awarding_body/registry_ids/brin": "record.brin_invalid",
                              "/awarding_body/registry_ids/kvk": "record.kvk_invalid"}


def test_helpers() -> None:
    data = microcredential()
    assert claim_assurance(data) == "assessed"
    assert claim_assurance(record("zelfbeoordeling"), {"assurance": None}) == "self_asserted"
    assert outcome_level(data, data["learning_outcomes"][0]) == {
        "framework": "EQF", "value": 2, "source": "institution"}
    assert outcome_level(data, data["learning_outcomes"][1]) == data["level"]
    assert assurance_at_least("assessed", "attested")
    assert not assurance_at_least("self_asserted", "attested")


def test_level_ordering_across_frameworks() -> None:
    nlqf4 = {"framework": "NLQF", "value": 4, "source": "official"}
    eqf4 = {"framework": "EQF", "value": 4, "source": "institution"}
    eqf5 = {"framework": "EQF", "value": 5, "source": "official"}
    assert levels.same_level(nlqf4, eqf4)
    assert levels.compare(eqf5, nlqf4) == 1
    assert levels.at_least(eqf5, nlqf4) and not levels.at_least(nlqf4, eqf5)
    assert levels.to_eqf(nlqf4) == 4
    for lvl in (nlqf4, eqf5):
        back = levels.from_uri(levels.to_uri(lvl))
        assert back == {"framework": lvl["framework"], "value": lvl["value"]}
    assert levels.from_uri("http://data.europa.eu/snb/eqf/9") is None
    assert levels.check_level("x") and levels.check_level({"framework": "EQF", "value": 3,
                                                           "source": "official"}) == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=True)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=5),
    max_leaves=20,
)
record_keys = st.sampled_from(sorted(schema()["properties"]))


@given(json_values)
def test_random_values_only_raise_validation_error(value: Any) -> None:
    try:
        validate_record(value)
    except ValidationError as exc:
        assert exc.problems and all(p.message_nl for p in exc.problems)


@given(st.dictionaries(record_keys, json_values, max_size=8))
def test_random_records_only_raise_validation_error(value: dict[str, Any]) -> None:
    try:
        validate_record(value)
    except ValidationError as exc:
        assert all(p.pointer is not None for p in exc.problems)


@given(st.data())
def test_mutated_example_only_raises_validation_error(data: st.DataObject) -> None:
    rec = record(data.draw(st.sampled_from(record_names())))
    target: Any = rec
    for _ in range(data.draw(st.integers(0, 3))):
        if isinstance(target, dict) and target:
            key = data.draw(st.sampled_from(sorted(target)))
            if isinstance(target[key], (dict, list)) and data.draw(st.booleans()):
                target = target[key]
                continue
            target[key] = data.draw(json_values)
        elif isinstance(target, list) and target:
            target[data.draw(st.integers(0, len(target) - 1))] = data.draw(json_values)
        break
    try:
        out = validate_record(rec)
    except ValidationError:
        return
    assert out == rec
