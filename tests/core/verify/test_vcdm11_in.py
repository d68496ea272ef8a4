"""VCDM 1.1 credentials are verified (issue 15 D): Data Integrity ``eddsa-rdfc-2022`` and
``Ed25519Signature2020``, bounded by ``issuanceDate``/``expirationDate`` (VCDM 1.1 §4.6, §4.7),
as older Open Badges 3.0 credentials are (OB 3.0.0 used VCDM 1.1)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from rotonde import keys
from rotonde.clock import FixedClock
from rotonde.credential import validate_credential
from rotonde.encoding import multibase_encode
from rotonde.proofs import add_proof, hash_data
from rotonde.verify.engine import VerifyOptions, verify

V1 = "https://www.w3.org/2018/credentials/v1"
OB300 = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
DI = "https://w3id.org/security/data-integrity/v2"
ED2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
KEY = keys.generate("EdDSA")
DID = "did:key:" + KEY.public_key.multikey()
METHOD = f"{DID}#{KEY.public_key.multikey()}"
IN_RANGE = FixedClock.at("2024-06-01T12:00:00Z")


def _badge(suite_context: str) -> dict[str, Any]:
    return {
        "@context": [V1, OB300, suite_context],
        "id": "urn:uuid:7d6b1b0e-3a52-4b8e-9d0a-2f5c3b9f6a10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": "Profile", "name": "Metaalschool Oost"},
        "issuanceDate": "2024-01-15T09:00:00Z",
        "expirationDate": "2029-01-15T09:00:00Z",
        "name": "Lassen MIG/MAG basis",
        "credentialSubject": {
            "id": "did:example:learner", "type": "AchievementSubject",
            "achievement": {"id": "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
                            "type": "Achievement", "name": "Lassen MIG/MAG basis",
                            "description": "Basis lassen", "criteria": {"narrative": "Examen"}},
        },
    }


def _eddsa_rdfc(doc: dict[str, Any]) -> dict[str, Any]:
    return add_proof(doc, signer=KEY, verification_method=METHOD,
                     created="2024-01-15T09:00:00Z")


def _ed25519_2020(doc: dict[str, Any]) -> dict[str, Any]:
    """Signed as an Ed25519Signature2020 issuer would (Rotonde itself never creates one)."""
    options = {"type": "Ed25519Signature2020", "created": "2024-01-15T09:00:00Z",
               "verificationMethod": METHOD, "proofPurpose": "assertionMethod"}
    hashed = hash_data(doc, options)
    return {**doc, "proof": {**options, "proofValue": multibase_encode(KEY.sign(hashed.combined))}}


SIGNED = {"eddsa-rdfc-2022": (DI, _eddsa_rdfc), "Ed25519Signature2020": (ED2020, _ed25519_2020)}


@pytest.mark.parametrize("suite", list(SIGNED))
def test_a_vcdm_1_1_badge_verifies(suite: str) -> None:
    context, sign = SIGNED[suite]
    signed = sign(_badge(context))
    report = verify(signed, VerifyOptions(clock=IN_RANGE))
    assert report.verified, report.to_dict()


@pytest.mark.parametrize(("at", "code"), [("2023-12-31T00:00:00Z", "validity.not_yet_valid"),
                                          ("2030-01-01T00:00:00Z", "validity.expired")])
@pytest.mark.parametrize("suite", list(SIGNED))
def test_issuance_and_expiration_dates_bound_it(suite: str, at: str, code: str) -> None:
    context, sign = SIGNED[suite]
    report = verify(sign(_badge(context)), VerifyOptions(clock=FixedClock.at(at)))
    assert not report.verified
    assert code in [p["code"] for c in report.to_dict()["checks"] for p in c.get("problems", [])]


@pytest.mark.parametrize("suite", list(SIGNED))
def test_a_changed_1_1_badge_fails(suite: str) -> None:
    context, sign = SIGNED[suite]
    signed = copy.deepcopy(sign(_badge(context)))
    signed["expirationDate"] = "2039-01-15T09:00:00Z"
    assert not verify(signed, VerifyOptions(clock=IN_RANGE)).verified


def test_the_1_1_data_model_wants_an_issuance_date_in_order() -> None:
    doc = _badge(DI)
    del doc["issuanceDate"]
    assert [(p.code, p.pointer) for p in validate_credential(doc)] == [
        ("vc.issuance_date_missing", "/issuanceDate")]
    doc = _badge(DI)
    doc["expirationDate"] = "2020-01-01T00:00:00Z"
    assert [(p.code, p.pointer) for p in validate_credential(doc)] == [
        ("vc.validity_order", "/expirationDate")]
    doc = _badge(DI)
    doc["issuanceDate"] = "15 January 2024"
    assert [p.code for p in validate_credential(doc)] == ["vc.datetime_invalid"]
