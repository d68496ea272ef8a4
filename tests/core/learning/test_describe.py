"""Plain-language claims (rotonde.learning.describe): whole, partial and foreign credentials."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rotonde.clock import FixedClock
from rotonde.keys import generate
from rotonde.learning import elm, ob3, sdjwt_vc
from rotonde.learning.describe import (
    RECORD_FIELDS,
    Row,
    describe,
    describe_claims,
    rows_for_path,
)
from rotonde.sdjwt import issue, parse, present
from rotonde.sdjwt.verify import process_disclosures
from tests.core.learning.learning_support import microcredential, record, record_names

WELDING = "http://data.europa.eu/esco/skill/60ff3eac-7d4d-4e51-87b8-74c3b5d62498"
UNKNOWN_SKILL = "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000000"


def _by_key(rows: list[Row]) -> dict[str, Row]:
    return {r.key: r for r in rows}


def _fields_shown(rows: list[Row]) -> set[str]:
    return {r.key.split(".")[0] for r in rows}


@pytest.mark.parametrize("name", record_names())
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_field_of_every_example_is_shown_in_words(name: str, lang: str) -> None:
    rec = record(name)
    rows = describe(rec, lang=lang)
    expected = {f for f in RECORD_FIELDS if f in rec}
    if "level" in rec:
        expected.discard("equivalent_levels")  # shown with the main level
    assert _fields_shown(rows) == expected
    outcomes = [r for r in rows if r.key.startswith("learning_outcomes.")]
    assert len(outcomes) == len(rec["learning_outcomes"])
    for row in rows:
        assert row.label and row.value_text and row.label != row.key
        # nothing of a valid record falls back to raw JSON
        assert not row.value_text.startswith(("{", "[")), row
        assert "_" not in row.value_text or row.key in ("id", "stackability"), row


def test_the_hr_officer_reads_dutch() -> None:
    rec = microcredential()
    rec["level"] = {"framework": "NLQF", "value": 4, "source": "institution"}
    rec.pop("equivalent_levels", None)  # NLQF n maps onto EQF n without being told
    rec["learning_outcomes"][0]["level"] = {"framework": "NLQF", "value": 4,
                                            "source": "institution"}
    rec["workload"] = {"hours": 40, "ects": 1.5}
    rec["award_date"] = "2026-11-23"
    rows = _by_key(describe(rec, lang="nl"))
    assert rows["level"].label == "Niveau"
    assert rows["level"].value_text == "NLQF 4 (≈ EQF 4), aangegeven door de instelling"
    assert rows["assurance"].value_text == "Beoordeeld (assessed)"
    assert rows["learning_outcomes.0"].label == "Vaardigheid"
    assert rows["learning_outcomes.0"].value_text == "MAG-lassen uitvoeren (ESCO)"
    assert rows["award_date"].value_text == "23 november 2026"
    assert rows["workload"].value_text == "40 uur · 1,5 EC"
    assert rows["awarding_body"].value_text == "Metaalschool Oost"
    assert "KvK 62345678" in (rows["awarding_body"].detail or "")
    assert "Nederland" in (rows["awarding_body"].detail or "")
    assert rows["assessment"].value_text == (
        "Praktijkexamen, onder toezicht ter plaatse, identiteit gecontroleerd")
    assert rows["participation"].value_text == "Op locatie"


def test_the_hr_officer_reads_english() -> None:
    rec = microcredential()
    rec["workload"] = {"hours": 40, "ects": 1.5}
    rows = _by_key(describe(rec, lang="en"))
    assert rows["level"].value_text == "NLQF 2 (≈ EQF 2), indicated by the institution"
    assert rows["workload"].value_text == "40 hours · 1.5 ECTS"
    assert rows["assurance"].value_text == "Assessed"
    assert rows["award_date"].value_text == "14 March 2025"
    assert rows["learning_outcomes.0"].value_text == "perform metal active gas welding (ESCO)"
    assert rows["validity"].value_text == "from 14 March 2025"


def test_levels_in_words() -> None:
    def level(rec: dict[str, Any], lang: str = "nl") -> str:
        return _by_key(describe(rec, lang=lang))["level"].value_text

    assert level({"level": {"framework": "EQF", "value": 5, "source": "official"},
                  "equivalent_levels": [{"framework": "NLQF", "value": 5,
                                         "source": "official"}]}) == (
        "EQF 5 (≈ NLQF 5), officieel ingeschaald")
    assert level({"level": {"framework": "EQF", "value": 3, "source": "regulated"}},
                 "en") == "EQF 3, regulated level"
    assert level({"level": {"framework": "NLQF", "value": "entry", "source": "self"}}) == (
        "NLQF instapniveau (geen EQF-niveau), zelf ingeschat")
    # only the equivalent level disclosed: it gets its own row
    only = describe({"equivalent_levels": [{"framework": "EQF", "value": 4,
                                            "source": "institution"}]}, lang="en")
    assert [(r.key, r.value_text) for r in only] == [
        ("equivalent_levels", "EQF 4, indicated by the institution")]


def test_outcomes_name_the_esco_skill_or_its_uri() -> None:
    rows = describe({"learning_outcomes": [
        {"skill": WELDING},
        {"skill": UNKNOWN_SKILL, "title": {"nl": "Iets nieuws"}},
        {"skill": WELDING, "title": {"nl": "Lassen in de praktijk"}, "assurance": "attested"},
    ]}, lang="nl")
    assert [r.value_text for r in rows] == [
        "MAG-lassen uitvoeren (ESCO)", "Iets nieuws", "Lassen in de praktijk"]
    assert rows[1].detail == f"ESCO-vaardigheid: {UNKNOWN_SKILL}"
    assert rows[2].detail == "ESCO-vaardigheid: MAG-lassen uitvoeren · Bevestigd (attested)"


def test_validity_grade_qualification_and_dates_with_times() -> None:
    rows = _by_key(describe({
        "validity": {"valid_from": "2025-06-01T00:00:00Z",
                     "valid_until": "2030-06-01T14:30:00+02:00"},
        "grade": {"value": "8,5", "scale": "1-10"},
        "qualification": {"code_system": "crebo", "code": "25191"},
        "learner": {"name": "Sanne", "birth_date": "1994-03-17"},
    }, lang="nl"))
    assert rows["validity"].value_text == (
        "van 1 juni 2025 tot 1 juni 2030, 14:30 UTC+02:00")
    assert rows["grade"].value_text == "8,5 (schaal: 1-10)"
    assert rows["qualification"].value_text == "CREBO 25191"
    assert rows["qualification"].detail == "Centraal Register Beroepsopleidingen (mbo)"
    assert rows["learner.birth_date"].value_text == "17 maart 1994"


def _presented(rec: dict[str, Any], disclose: list[tuple[Any, ...]]) -> dict[str, Any]:
    claims, paths, vct = sdjwt_vc.build(rec)
    token = issue(claims, signer=generate("ES256"), disclosable=paths, vct=vct,
                  iss="did:example:school", clock=FixedClock.at("2026-11-23T10:07:56Z"))
    processed: dict[str, Any] = process_disclosures(parse(present(token, disclose=disclose))).claims
    return processed


def test_disclosed_sd_jwt_claims_list_only_what_was_disclosed() -> None:
    claims = _presented(microcredential(), [("title",), ("level",), ("learning_outcomes", 0),
                                            ("workload",), ("learner", "name")])
    rows = describe_claims(claims, lang="nl")
    keys = [r.key for r in rows]
    # disclosed, plus what SD-JWT VC keeps in the clear (kind, assurance, validity, id)
    assert keys == ["title", "kind", "learner.name", "validity", "level",
                    "learning_outcomes.0", "workload", "assurance", "id", "iss", "iat"]
    by = _by_key(rows)
    assert by["iat"].label == "Uitgegeven op" and by["iat"].value_text == "23 november 2026"
    assert by["iat"].detail == "2026-11-23 10:07 UTC"
    assert by["iss"].value_text == "did:example:school"
    assert "grade" not in keys and "awarding_body" not in keys
    # a disclosed path finds its rows; a path that was not disclosed finds none
    assert [r.key for r in rows_for_path(rows, "learner")] == ["learner.name"]
    assert rows_for_path(rows, "grade") == []
    # the tolerant reading agrees with the strict one when everything is disclosed
    full = _presented(microcredential(), [(p,) if "." not in p else tuple(
        int(x) if x.isdigit() else x for x in p.split("."))
        for p in sdjwt_vc.disclosable_paths(microcredential())])
    assert [r for r in describe_claims(full, lang="en") if r.key not in ("iss", "iat")] == \
        describe(sdjwt_vc.read(full), lang="en")


def test_claims_that_are_not_a_valid_record_still_read_well() -> None:
    # the shape the verifier's own tests issue: plain strings instead of language maps
    rows = describe_claims({
        "vct": sdjwt_vc.vct_for("microcredential"), "iss": "did:key:z6Mk", "iat": 1795428476,
        "exp": 1826964476, "title": "Lassen MIG/MAG", "assurance": "assessed",
        "level": {"framework": "NLQF", "value": 4, "source": "institution"},
        "awarding_body": {"name": "ROC Midden"}, "learner": {"name": "Sam de Vries"},
        "cnf": {"jwk": {}}, "_sd_alg": "sha-256", "status": {"status_list": {}},
        "extra": {"note": [1, 2]}}, lang="nl")
    assert [(r.label, r.value_text) for r in rows] == [
        ("Soort bewijs", "Microcredential"),
        ("Titel", "Lassen MIG/MAG"),
        ("Naam lerende", "Sam de Vries"),
        ("Uitgevende instelling", "ROC Midden"),
        ("Niveau", "NLQF 4 (≈ EQF 4), aangegeven door de instelling"),
        ("Zekerheid", "Beoordeeld (assessed)"),
        ("Uitgever (identificatie)", "did:key:z6Mk"),
        ("Uitgegeven op", "23 november 2026"),
        ("Geldig tot", "23 november 2027"),
        ("extra › note", "1, 2"),
    ]


@pytest.mark.parametrize("form", ["elm", "ob3"])
def test_vcdm_forms_read_back_into_the_record_rows(form: str) -> None:
    rec = record("evc-lasser")
    builder = elm if form == "elm" else ob3
    doc = builder.build(rec, issuer_id="did:web:evc-centrum-gelderland.example")
    assert describe_claims(doc, lang="nl") == describe(builder.read(doc), lang="nl")
    assert any(r.value_text == "NLQF 2 (≈ EQF 2), wettelijk vastgesteld niveau"
               for r in describe_claims(doc, lang="nl"))


def test_unknown_credentials_fall_back_to_a_generic_listing() -> None:
    rows = describe_claims({
        "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
        "issuer": {"id": "did:example:1", "name": "Acme"}, "validFrom": "2026-01-02T00:00:00Z",
        "credentialSubject": {"id": "did:example:2", "name": "Jo"}, "proof": {"x": 1}},
        lang="en")
    assert [(r.label, r.value_text) for r in rows] == [
        ("Type", "VerifiableCredential"), ("Issuer", "did:example:1"),
        ("Issuer name", "Acme"), ("Valid from", "2 January 2026"),
        ("Holder", "did:example:2"), ("Name", "Jo")]


def test_non_mappings_give_no_rows() -> None:
    assert describe([], lang="nl") == [] and describe_claims("x", lang="en") == []  # type: ignore[arg-type]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20)
field_names = st.sampled_from([*RECORD_FIELDS, "vct", "iss", "iat", "nbf", "exp", "sub",
                               "validFrom", "@context", "cnf", "vc", "x"])


@given(st.dictionaries(field_names, json_values, max_size=8), st.sampled_from(["nl", "en", "fr"]))
def test_any_claims_are_described_without_raising(claims: dict[str, Any], lang: str) -> None:
    for rows in (describe(claims, lang=lang), describe_claims(claims, lang=lang)):
        for row in rows:
            assert isinstance(row, Row)
            assert isinstance(row.key, str) and isinstance(row.label, str)
            assert isinstance(row.value_text, str)
            assert row.detail is None or isinstance(row.detail, str)


@given(st.sets(st.sampled_from([f for f in RECORD_FIELDS if f in microcredential()])),
       st.sampled_from(["nl", "en"]))
def test_any_subset_of_a_record_lists_exactly_that_subset(keep: set[str], lang: str) -> None:
    rec = microcredential()
    partial = {k: copy.deepcopy(v) for k, v in rec.items() if k in keep}
    expected = keep - {"equivalent_levels"} if "level" in keep else keep
    assert _fields_shown(describe(partial, lang=lang)) == expected


def test_awarding_body_is_named_only_for_the_proven_issuer() -> None:
    """Issue 19 item 2: a claimed awarding body is shown by name only when its id is the
    issuer the signature proved; otherwise the row says "not confirmed" (and gives the id)."""
    rec = record("mc-mag-lassen")
    body = rec["awarding_body"]["id"]
    named = _by_key(describe(rec, lang="nl", issuer=body))["awarding_body"]
    assert named.value_text == "Metaalschool Oost"
    assert named == _by_key(describe(rec, lang="nl"))["awarding_body"]  # no verification: as is
    for issuer in ("did:key:z6MkAttacker", None):
        row = _by_key(describe(rec, lang="nl", issuer=issuer))["awarding_body"]
        assert row.label == "Uitgevende instelling"
        assert row.value_text.startswith("niet bevestigd") and row.detail == body
        assert "Metaalschool" not in f"{row.value_text} {row.detail}"
    claims = {"vct": sdjwt_vc.vct_for("microcredential"), "title": "Lassen",
              "awarding_body": {"name": "ROC Midden"}}  # no id at all, no issuer: not confirmed
    row = _by_key(describe_claims(claims, lang="en", issuer=None))["awarding_body"]
    assert row.value_text.startswith("not confirmed") and row.detail is None
    doc = ob3.build(rec, issuer_id="did:web:other.example")
    assert _by_key(describe_claims(doc, lang="nl", issuer="did:web:other.example"))[
        "awarding_body"].value_text.startswith("niet bevestigd")


def test_rows_carry_no_directional_formatting_characters() -> None:
    from rotonde.text import BIDI_CONTROLS, display_text

    rec = record("mc-mag-lassen")
    rec["title"] = {"nl": "Lassen \u202eesab\u202c", "en": "Welding"}
    rec["awarding_body"]["name"] = {"nl": "\u2067Metaalschool\u2069 Oost\u200f"}
    rows = describe(rec, lang="nl")
    text = " ".join(f"{r.label} {r.value_text} {r.detail or ''}" for r in rows)
    assert not BIDI_CONTROLS & set(text)
    assert _by_key(rows)["title"].value_text == "Lassen esab"
    assert _by_key(rows)["awarding_body"].value_text == "Metaalschool Oost"
    assert Row("k", "a\u202d", "b\u061c", "c\u200e") == Row("k", "a", "b", "c")
    assert display_text("plain text, ook met é en ∑") == "plain text, ook met é en ∑"
