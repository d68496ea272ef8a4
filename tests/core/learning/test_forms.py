"""The three forms of every example: build, read back to the same record, sign, verify."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from rotonde import keys
from rotonde.clock import FixedClock
from rotonde.errors import ValidationError
from rotonde.jsonld import DocumentLoader, default_loader, expand
from rotonde.learning import CONTEXT_FILES, contexts, elm, ob3, read, sdjwt_vc
from rotonde.learning.read import detect_form
from tests.core.learning.learning_support import ROOT, microcredential, record, record_names

ISSUER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
CLOCK = FixedClock.at("2026-01-15T12:00:00Z")


@pytest.fixture(scope="module")
def issuer_key() -> keys.PrivateKey:
    return keys.generate("EdDSA")


@pytest.fixture(scope="module")
def ob3_validator(conformance: Path) -> jsonschema.protocols.Validator:
    doc = json.loads((conformance / "obv3/schemas/ob_v3p0_achievementcredential.schema.json")
                     .read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(doc)
    return cls(doc, format_checker=cls.FORMAT_CHECKER)


def test_contexts_are_registered_in_the_default_loader() -> None:
    own = contexts()
    assert set(own) == set(CONTEXT_FILES.values())
    loader = default_loader()
    for url, doc in own.items():
        assert url in loader
        assert loader.document(url) == doc
        assert doc["@context"]["@protected"] is True


@pytest.mark.parametrize("name", record_names())
def test_elm_form_expands_strictly_and_reads_back(name: str) -> None:
    rec = record(name)
    vc = elm.build(rec, issuer_id=ISSUER)
    assert vc["@context"] == ["https://www.w3.org/ns/credentials/v2", elm.CONTEXT_URL]
    assert vc["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert "description" not in json.dumps(vc).replace("elmDescription", "")
    expanded = expand(vc, loader=DocumentLoader(extra=contexts()), strict=True)
    text = json.dumps(expanded)
    assert "http://data.europa.eu/snb/model/elm/LearningAchievement" in text
    assert "http://data.europa.eu/snb/model/elm/relatedESCOSkill" in text
    assert detect_form(vc) == "elm"
    assert elm.read(vc) == rec
    assert read(vc) == rec


def test_elm_uses_eqf_vocabulary_credit_points_and_workload() -> None:
    vc = elm.build(microcredential(), issuer_id=ISSUER)
    spec = vc["credentialSubject"]["hasClaim"]["specifiedBy"]
    assert spec["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/2"
    assert spec["nqfLevel"]["id"] == "https://rotonde.example/levels/nlqf/2"
    assert spec["creditPoint"]["point"] == "3"
    assert spec["volumeOfLearning"] == "PT84H"
    skills = [o["relatedESCOSkill"]["id"] for o in spec["learningOutcome"]]
    assert skills == [o["skill"] for o in microcredential()["learning_outcomes"]]
    body = vc["credentialSubject"]["hasClaim"]["awardedBy"]["awardingBody"]
    assert body["location"]["address"]["countryCode"]["id"].endswith("/country/NLD")


@pytest.mark.parametrize("name", record_names())
def test_ob3_form_validates_against_the_1edtech_schema_and_reads_back(
    name: str, ob3_validator: Any
) -> None:
    rec = record(name)
    vc = ob3.build(rec, issuer_id=ISSUER)
    placeholder = dict(vc, proof=[{"type": "DataIntegrityProof"}])
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in ob3_validator.iter_errors(placeholder)]
    assert errors == []
    assert vc["@context"] == [ob3.VC_V2, ob3.OB3_CONTEXT_URL]  # published contexts only
    expand(vc, loader=DocumentLoader(), strict=True)  # the standard contexts, none of Rotonde's
    assert detect_form(vc) == "ob3"
    assert ob3.read(vc) == ob3.carried(rec)
    assert read(vc) == ob3.carried(rec)


def test_ob3_places_level_skills_and_workload_where_ob3_defines_them() -> None:
    vc = ob3.build(microcredential(), issuer_id=ISSUER)
    ach = vc["credentialSubject"]["achievement"]
    assert ach["achievementType"] == "MicroCredential"
    assert ach["creditsAvailable"] == 3 and vc["credentialSubject"]["creditsEarned"] == 3
    targets = {(a["targetType"], a["targetUrl"]) for a in ach["alignment"]}
    assert ("ceasn:Competency",
            "http://data.europa.eu/esco/skill/60ff3eac-7d4d-4e51-87b8-74c3b5d62498") in targets
    assert ("ext:QualificationsFrameworkLevel", "http://data.europa.eu/snb/eqf/2") in targets
    assert vc["credentialSubject"]["result"][0]["value"] == "voldoende"
    assert ach["resultDescription"][0]["id"] == vc["credentialSubject"]["result"][0][
        "resultDescription"]


@pytest.mark.parametrize("name", record_names())
def test_sdjwt_vc_claims_read_back_and_every_claim_is_disclosable(name: str) -> None:
    rec = record(name)
    claims, paths, vct = sdjwt_vc.build(rec)
    assert vct == claims["vct"] == sdjwt_vc.vct_for(rec["kind"])
    assert "learner.name" in paths and "title" in paths and "award_date" in paths
    assert [p for p in paths if p.startswith("learning_outcomes.")] == [
        f"learning_outcomes.{i}" for i in range(len(rec["learning_outcomes"]))]
    assert sdjwt_vc.read(claims) == rec
    assert read(claims) == rec


@pytest.mark.parametrize("kind", ["microcredential", "qualification", "evc",
                                  "employer_attestation", "self_assessment"])
def test_type_metadata_documents_every_claim_in_dutch_and_english(kind: str) -> None:
    doc = sdjwt_vc.type_metadata(sdjwt_vc.vct_for(kind))
    assert {d["locale"][:2] for d in doc["display"]} == {"nl", "en"}
    by_path = {tuple(c["path"]): c for c in doc["claims"]}
    for c in doc["claims"]:
        assert {d["locale"][:2] for d in c["display"]} == {"nl", "en"}
        assert c["sd"] in ("always", "never")
    for name in record_names():
        rec = record(name)
        _, paths, _ = sdjwt_vc.build(rec)
        for p in paths:
            parts = tuple(None if s.isdigit() else s for s in p.split("."))
            assert by_path[parts]["sd"] == "always", p
        for top in rec:
            assert by_path[(top,)], top


def test_unknown_vct_has_no_metadata() -> None:
    with pytest.raises(ValidationError):
        sdjwt_vc.type_metadata("https://example.org/other")


@pytest.mark.parametrize("name", record_names())
def test_sign_verify_and_read_back_all_three_forms(name: str, issuer_key: keys.PrivateKey) -> None:
    from rotonde.proofs import add_proof
    from rotonde.sdjwt import issue
    from rotonde.verify.engine import VerifyOptions, verify

    rec = record(name)
    did = "did:key:" + issuer_key.public_key.multikey()
    method = f"{did}#{issuer_key.public_key.multikey()}"
    options = VerifyOptions(clock=CLOCK)
    for module in (elm, ob3):
        doc = module.build(rec, issuer_id=did)
        signed = add_proof(doc, signer=issuer_key, verification_method=method,
                           created="2025-12-01T09:00:00Z")
        report = verify(signed, options)
        assert report.verified, (module.__name__, report.to_dict())
        assert read(signed) == (ob3.carried(rec) if module is ob3 else rec)
    claims, paths, vct = sdjwt_vc.build(rec)
    token = issue(claims, signer=issuer_key, disclosable=paths, vct=vct, iss=did, clock=CLOCK)
    report = verify(token, options)
    assert report.verified, report.to_dict()
    assert read(token) == rec
    assert read(report.claims) == rec


def test_reading_a_form_without_a_mandatory_element_names_it() -> None:
    vc = elm.build(microcredential(), issuer_id=ISSUER)
    del vc["credentialSubject"]["hasClaim"]["awardedBy"]["awardingDate"]
    with pytest.raises(ValidationError) as info:
        read(vc)
    assert [(p.code, p.pointer) for p in info.value.problems] == [
        ("record.required", "/award_date")]
    badge = ob3.build(microcredential(), issuer_id=ISSUER)
    badge["credentialSubject"]["result"] = [
        r for r in badge["credentialSubject"]["result"]
        if not r["resultDescription"].endswith("#participation")]
    with pytest.raises(ValidationError) as info:
        read(badge)
    assert [(p.code, p.pointer) for p in info.value.problems] == [
        ("record.eu_mandatory_missing", "/participation")]


def test_undisclosed_sdjwt_claims_show_up_as_missing_elements(issuer_key: keys.PrivateKey) -> None:
    from rotonde.sdjwt import issue, present

    claims, paths, vct = sdjwt_vc.build(microcredential())
    token = issue(claims, signer=issuer_key, disclosable=paths, vct=vct, iss="did:example:x",
                  clock=CLOCK)
    shown = present(token, disclose=[p for p in paths if p != "award_date"])
    with pytest.raises(ValidationError) as info:
        read(shown)
    assert ("record.required", "/award_date") in [(p.code, p.pointer)
                                                  for p in info.value.problems]


def test_kind_must_match_vct() -> None:
    claims, _, _ = sdjwt_vc.build(microcredential())
    claims["kind"] = "qualification"
    with pytest.raises(ValidationError) as info:
        sdjwt_vc.read(claims)
    assert info.value.code == "sdjwt_vc.kind_mismatch"


def test_building_from_an_invalid_record_raises() -> None:
    bad = microcredential()
    del bad["title"]
    for build in (lambda r: elm.build(r, issuer_id=ISSUER), lambda r: ob3.build(r, issuer_id=ISSUER),
                  sdjwt_vc.build):
        with pytest.raises(ValidationError) as info:
            build(bad)
        assert info.value.pointer == "/title"


def test_elm_country_outside_the_table_is_a_validation_error() -> None:
    rec = microcredential()
    rec["awarding_body"]["country"] = "ZZ"
    with pytest.raises(ValidationError) as info:
        elm.build(rec, issuer_id=ISSUER)
    assert info.value.code == "record.country_unsupported"


def test_context_files_are_in_the_repository() -> None:
    for name in CONTEXT_FILES:
        assert (ROOT / "schemas" / "contexts" / name).is_file()


def test_open_badges_issued_before_issue_15_still_read_back_whole() -> None:
    """Wallets hold Open Badges of the old form (Rotonde's extension context): they still read
    back into exactly their record, and their extension context is still known offline."""
    old = json.loads((ROOT / "tests/core/learning/data/ob3-before-issue-15.json").read_text("utf-8"))
    assert set(old) == set(record_names())
    for name, vc in old.items():
        assert "https://rotonde.example/contexts/ob3-ext/v1.jsonld" in vc["@context"]
        expand(vc, loader=default_loader(), strict=True)
        assert ob3.is_ob3(vc) and detect_form(vc) == "ob3"
        assert read(vc) == record(name), name
