"""The verifier's VC-API verifies VCDM 1.1 credentials (issue 15 D): Data Integrity
``eddsa-rdfc-2022`` and ``Ed25519Signature2020``, and ``jwt_vc_json``; a changed one fails."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.core.verify import test_jwt_vc_json_in as jwt_vc
from tests.core.verify import test_vcdm11_in as ldp


def _credentials() -> dict[str, Any]:
    return {
        "eddsa-rdfc-2022": ldp._eddsa_rdfc(ldp._badge(ldp.DI)),
        "Ed25519Signature2020": ldp._ed25519_2020(ldp._badge(ldp.ED2020)),
        "jwt_vc_json": jwt_vc._token(jwt_vc._payload()),
    }


@pytest.mark.parametrize("kind", list(_credentials()))
def test_vc_api_verifies_a_1_1_credential(client: TestClient, kind: str) -> None:
    cred = _credentials()[kind]
    r = client.post("/vc-api/credentials/verify", json={"verifiableCredential": cred})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verified"] is True and body["errors"] == []
    claims = body["report"]["claims"]
    assert claims["issuanceDate"] == "2024-01-15T09:00:00Z"
    assert "expirationDate" in claims


@pytest.mark.parametrize("kind", ["eddsa-rdfc-2022", "Ed25519Signature2020"])
def test_a_changed_1_1_credential_is_refused(client: TestClient, kind: str) -> None:
    cred = copy.deepcopy(_credentials()[kind])
    cred["issuanceDate"] = "2024-01-16T09:00:00Z"
    r = client.post("/vc-api/credentials/verify", json={"verifiableCredential": cred})
    assert r.status_code == 400
    assert r.json()["verified"] is False
