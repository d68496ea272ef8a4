"""Data Integrity presentations (``ldp_vp`` with ``eddsa-rdfc-2022``) through the OpenID4VP
flow: DCQL ``ldp_vc`` with ``type_values``; holder binding via proof ``challenge`` = nonce and
``domain`` = client id (OpenID4VP 1.0 Appendix B)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from rotonde.credential import VC_V2_CONTEXT
from rotonde.did import did_key_from_public_key
from rotonde.did.methods import method_id_for_key
from rotonde.jws import parse_compact
from rotonde.keys import generate
from rotonde.presentation import build_presentation, sign_presentation
from rotonde.proofs import add_proof
from tests.verifier._support import request_params

EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
QUERY = {"credentials": [{"id": "ach", "format": "ldp_vc",
                          "meta": {"type_values": [["AchievementCredential"]]},
                          "claims": [{"path": ["credentialSubject", "title"]},
                                     {"path": ["credentialSubject", "level"]}]}]}


def signed_vc(level: int = 4) -> tuple[dict[str, Any], Any, str]:
    ik = generate("EdDSA")
    hk = generate("EdDSA")
    holder = did_key_from_public_key(hk.public_key)
    vc = {"@context": [VC_V2_CONTEXT, EXAMPLES_V2],
          "type": ["VerifiableCredential", "AchievementCredential"],
          "issuer": did_key_from_public_key(ik.public_key), "validFrom": "2026-01-01T00:00:00Z",
          "credentialSubject": {"id": holder, "title": "Lassen MIG/MAG",
                                "level": {"framework": "NLQF", "value": level}}}
    vc = add_proof(vc, signer=ik, verification_method=method_id_for_key(ik.public_key),
                   proof_purpose="assertionMethod")
    return vc, hk, holder


def _run(client: TestClient, *, challenge: str | None = None, domain: str | None = None,
         min_level: int = 3, status: int = 200) -> dict[str, Any]:
    r = client.post("/api/requests", json={"dcql_query": QUERY, "min_level": min_level}).json()
    p = request_params(r["invocation_uri"])
    req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
    vc, hk, holder = signed_vc()
    vp = sign_presentation(build_presentation(credentials=[vc], holder=holder), signer=hk,
                           challenge=challenge or req["nonce"], domain=domain or req["client_id"])
    resp = client.post("/oid4vp/response", data={"vp_token": json.dumps({"ach": [vp]}),
                                                 "state": req["state"]})
    assert resp.status_code == status, resp.text
    return client.get(f"/api/requests/{r['id']}").json()["result"]


def test_ldp_vp_accepted(client: TestClient) -> None:
    res = _run(client)
    assert res["verdict"] == "accepted", res["reasons"]
    assert res["dcql"]["satisfied"] and res["requirement"]["met"]
    assert res["credentials"][0]["format"] == "ldp_vc"


def test_ldp_vp_wrong_challenge_or_domain(client: TestClient) -> None:
    for kw in ({"challenge": "not-the-nonce-1234567"}, {"domain": "decentralized_identifier:did:web:x"}):
        res = _run(client, status=400, **kw)  # not bound to this request: it stays open
        assert res["verdict"] == "rejected" and res["final"] is False
        assert next(c for c in res["checks"] if c["name"] == "holder_binding")["outcome"] == "failed"


def test_ldp_vp_level_too_low(client: TestClient) -> None:
    res = _run(client, min_level=6)
    assert res["verdict"] == "rejected" and res["reasons"][0]["code"] == "requirement.level"


def test_vp_jwt_with_vc_jwt_accepted_and_bound(client: TestClient) -> None:
    """``vp+jwt`` holding an enveloped ``vc+jwt`` (VC-JOSE-COSE), DCQL format ``jwt_vc_json``."""
    from rotonde.jose import sign_vc_jwt, sign_vp_jwt

    query = {"credentials": [dict(QUERY["credentials"][0], format="jwt_vc_json")]}
    for wrong_aud in (False, True):
        r = client.post("/api/requests", json={"dcql_query": query, "min_level": 3}).json()
        p = request_params(r["invocation_uri"])
        req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
        ik, hk = generate("ES256"), generate("ES256")
        holder = did_key_from_public_key(hk.public_key)
        vc = {"@context": [VC_V2_CONTEXT, EXAMPLES_V2],
              "type": ["VerifiableCredential", "AchievementCredential"],
              "issuer": did_key_from_public_key(ik.public_key),
              "validFrom": "2026-01-01T00:00:00Z",
              "credentialSubject": {"id": holder, "title": "Lassen",
                                    "level": {"framework": "NLQF", "value": 4}}}
        vp = sign_vp_jwt(
            build_presentation(credentials=[sign_vc_jwt(vc, signer=ik)], holder=holder), signer=hk,
            nonce=req["nonce"], audience="did:web:elsewhere.example" if wrong_aud else req["client_id"])
        client.post("/oid4vp/response", data={"vp_token": json.dumps({"ach": [vp]}), "state": req["state"]})
        res = client.get(f"/api/requests/{r['id']}").json()["result"]
        if wrong_aud:
            assert res["verdict"] == "rejected"
        else:
            assert res["verdict"] == "accepted", res["reasons"]
            assert res["credentials"][0]["format"] == "jwt_vc_json"
