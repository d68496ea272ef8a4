"""Issuing ``jwt_vc_json``: a VCDM 1.1 credential in a JWT's ``vc`` claim (OpenID4VCI 1.0
Appendix A.1.1, VCDM 1.1 §6.3.1 JWT encoding), and VCDM 2.0 restated in VCDM 1.1 (issue 15 B.1)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rotonde import keys
from rotonde.clock import FixedClock
from rotonde.encoding import b64url_decode
from rotonde.errors import RotondeError
from rotonde.jose import verify_vc_jwt
from rotonde.jwt_vc import VC_V1, VC_V2, sign_jwt_vc, vcdm11_from_v2, verify_jwt_vc
from rotonde.verify.engine import VerifyOptions, verify

KEY = keys.generate("EdDSA")
DID = "did:key:" + KEY.public_key.multikey()
SIGNER = KEY.with_kid(f"{DID}#{KEY.public_key.multikey()}")
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _v2(**change: Any) -> dict[str, Any]:
    vc: dict[str, Any] = {
        "@context": [VC_V2, OB],
        "id": "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Metaalschool Oost"},
        "validFrom": "2024-01-15T09:00:00Z",
        "validUntil": "2029-01-13T09:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"],
                              "achievement": {"id": "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
                                              "type": ["Achievement"], "name": "Lassen",
                                              "description": "Basis",
                                              "criteria": {"narrative": "x"}}},
    }
    vc.update(change)
    return vc


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    head, body, _ = token.split(".")
    return json.loads(b64url_decode(head)), json.loads(b64url_decode(body))


def test_vcdm11_from_v2_maps_the_context_and_the_validity_dates() -> None:
    v11 = vcdm11_from_v2(_v2())
    assert v11["@context"] == [VC_V1, OB]
    assert v11["issuanceDate"] == "2024-01-15T09:00:00Z"
    assert v11["expirationDate"] == "2029-01-13T09:00:00Z"
    assert "validFrom" not in v11 and "validUntil" not in v11
    assert v11["credentialSubject"] == _v2()["credentialSubject"]


@pytest.mark.parametrize(("change", "code"), [
    ({"@context": [VC_V1, OB]}, "vc.context_invalid"),
    ({"@context": "x"}, "vc.context_invalid"),
    ({"validFrom": None}, "vc.issuance_date_missing"),
])
def test_vcdm11_from_v2_refuses_what_it_cannot_restate(change: dict[str, Any], code: str) -> None:
    with pytest.raises(RotondeError) as err:
        vcdm11_from_v2(_v2(**change))
    assert err.value.code == code


def test_the_jwt_carries_the_1_1_credential_in_vc_with_the_registered_claims() -> None:
    token = sign_jwt_vc(vcdm11_from_v2(_v2()), signer=SIGNER)
    header, claims = _parts(token)
    assert header == {"typ": "JWT", "kid": SIGNER.kid, "alg": "EdDSA"}
    assert claims["iss"] == DID and claims["sub"] == "did:example:learner"
    assert claims["jti"] == "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"
    assert claims["nbf"] == 1705309200 and claims["exp"] == 1862989200
    assert claims["vc"]["@context"][0] == VC_V1 and claims["vc"]["issuanceDate"]
    verified = verify_jwt_vc(token)
    assert verified.document["issuanceDate"] == "2024-01-15T09:00:00Z"
    report = verify(token, VerifyOptions(clock=FixedClock.at("2024-06-01T12:00:00Z")))
    assert report.verified and report.format == "jwt_vc_json", report.to_dict()
    # not a vc+jwt: that is a VCDM 2.0 payload with typ vc+jwt (VC-JOSE-COSE §3.1.1)
    with pytest.raises(RotondeError):
        verify_vc_jwt(token)


def test_without_expiration_there_is_no_exp() -> None:
    v11 = vcdm11_from_v2(_v2())
    del v11["expirationDate"]
    assert "exp" not in _parts(sign_jwt_vc(v11, signer=SIGNER))[1]


@pytest.mark.parametrize(("credential", "code"), [
    (_v2(), "vc.context_invalid"),  # VCDM 2.0 is vc+jwt, not jwt_vc_json
    ({**vcdm11_from_v2(_v2()), "proof": {"type": "DataIntegrityProof"}}, "jose.embedded_proof"),
    ({k: v for k, v in vcdm11_from_v2(_v2()).items() if k != "issuanceDate"},
     "vc.issuance_date_missing"),
])
def test_bad_credentials_are_not_signed(credential: dict[str, Any], code: str) -> None:
    with pytest.raises(RotondeError) as err:
        sign_jwt_vc(credential, signer=SIGNER)
    codes = [err.value.code, *(p.code for p in getattr(err.value, "problems", []) or [])]
    assert code in codes, codes


def test_a_changed_jwt_fails() -> None:
    token = sign_jwt_vc(vcdm11_from_v2(_v2()), signer=SIGNER)
    head, body, sig = token.split(".")
    claims = json.loads(b64url_decode(body))
    claims["vc"]["credentialSubject"]["achievement"]["name"] = "Solderen"
    from rotonde.encoding import b64url_encode

    forged = ".".join([head, b64url_encode(json.dumps(claims).encode()), sig])
    with pytest.raises(RotondeError):
        verify_jwt_vc(forged)
