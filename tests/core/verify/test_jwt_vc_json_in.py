"""``jwt_vc_json`` (VCDM 1.1 in a JWT ``vc`` claim, VCDM 1.1 §6.3.1) is verified (issue 15 D)."""

from __future__ import annotations

from typing import Any

import pytest

from rotonde import keys
from rotonde.clock import FixedClock
from rotonde.jws import sign_compact
from rotonde.verify.engine import VerifyOptions, verify

KEY = keys.generate("EdDSA")
DID = "did:key:" + KEY.public_key.multikey()
KID = f"{DID}#{KEY.public_key.multikey()}"
IN_RANGE = FixedClock.at("2024-06-01T12:00:00Z")
NBF, EXP = 1705309200, 1862989200  # 2024-01-15T09:00:00Z, 2029-01-13T...


def _payload(**change: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "iss": DID, "nbf": NBF, "exp": EXP, "jti": "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
        "sub": "did:example:learner",
        "vc": {"@context": ["https://www.w3.org/2018/credentials/v1",
                            "https://purl.imsglobal.org/spec/ob/v3p0/context.json"],
               "type": ["VerifiableCredential", "OpenBadgeCredential"],
               "issuer": {"type": "Profile", "name": "Metaalschool Oost"},
               "credentialSubject": {"type": "AchievementSubject", "achievement": {
                   "id": "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427", "type": "Achievement",
                   "name": "Lassen", "description": "Basis", "criteria": {"narrative": "x"}}}},
    }
    payload.update(change)
    return payload


def _token(payload: dict[str, Any], header: dict[str, Any] | None = None,
           signer: keys.PrivateKey = KEY) -> str:
    return sign_compact(header if header is not None else {"typ": "JWT", "kid": KID},
                        payload, signer)


def _codes(report: Any) -> list[str]:
    return [p["code"] for c in report.to_dict()["checks"] for p in c.get("problems", [])]


def test_a_1_1_jwt_credential_verifies_with_its_claims_decoded() -> None:
    report = verify(_token(_payload()), VerifyOptions(clock=IN_RANGE))
    assert report.verified, report.to_dict()
    assert report.format == "jwt_vc_json"
    doc = report.claims
    assert doc["issuer"] == {"type": "Profile", "name": "Metaalschool Oost", "id": DID}
    assert doc["issuanceDate"] == "2024-01-15T09:00:00Z"
    assert doc["id"] == "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"
    assert doc["credentialSubject"]["id"] == "did:example:learner"
    assert report.issuer == DID


def test_without_typ_it_verifies_too() -> None:
    assert verify(_token(_payload(), {"kid": KID}), VerifyOptions(clock=IN_RANGE)).verified


@pytest.mark.parametrize(("at", "code"), [("2024-01-01T00:00:00Z", "validity.not_yet_valid"),
                                          ("2030-01-01T00:00:00Z", "validity.expired")])
def test_nbf_and_exp_bound_it(at: str, code: str) -> None:
    report = verify(_token(_payload()), VerifyOptions(clock=FixedClock.at(at)))
    assert not report.verified and code in _codes(report)


@pytest.mark.parametrize(("payload", "header", "code"), [
    (_payload(vc=None), None, "jose.vc_claim_missing"),
    (_payload(nbf=None), None, "vc.issuance_date_missing"),
    (_payload(iss="did:example:other"), None, "jose.iss_mismatch"),
    (_payload(nbf="yesterday"), None, "jose.claim_invalid"),
    # a vc+jwt (VCDM 2.0) must not carry a vc claim (VC-JOSE-COSE §3.1.1)
    (_payload(), {"typ": "vc+jwt", "kid": KID}, "jose.claim_forbidden"),
])
def test_bad_tokens_are_refused_precisely(payload: dict[str, Any],
                                          header: dict[str, Any] | None, code: str) -> None:
    for name in ("vc", "nbf"):
        if payload.get(name) is None:
            payload.pop(name, None)
    if code == "jose.iss_mismatch":
        payload["vc"]["issuer"]["id"] = DID
    report = verify(_token(payload, header), VerifyOptions(clock=IN_RANGE))
    assert not report.verified
    assert code in _codes(report), _codes(report)


def test_another_key_fails_the_signature() -> None:
    other = keys.generate("EdDSA")
    report = verify(_token(_payload(), signer=other), VerifyOptions(clock=IN_RANGE))
    assert not report.verified and "signature.invalid" in _codes(report)
