"""A DCQL ``ldp_vc`` query with fully expanded ``type_values`` IRIs (OpenID4VP 1.0 B.1.1;
issue 15 B.5) is answered and accepted: the verifier expands the presented credential's types
with the JSON-LD processor; an IRI the credential does not expand to is refused."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from rotonde.jws import parse_compact
from rotonde.presentation import build_presentation, sign_presentation
from tests.verifier._support import request_params
from tests.verifier.test_ldp import signed_vc

ACH = "https://www.w3.org/ns/credentials/examples#AchievementCredential"
VC = "https://www.w3.org/2018/credentials#VerifiableCredential"


def _answer(client: TestClient, type_values: list[list[str]]) -> dict[str, Any]:
    query = {"credentials": [{"id": "ach", "format": "ldp_vc",
                              "meta": {"type_values": type_values},
                              "claims": [{"path": ["credentialSubject", "level"]}]}]}
    r = client.post("/api/requests", json={"dcql_query": query, "min_level": 3}).json()
    p = request_params(r["invocation_uri"])
    req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
    vc, hk, holder = signed_vc()
    vp = sign_presentation(build_presentation(credentials=[vc], holder=holder), signer=hk,
                           challenge=req["nonce"], domain=req["client_id"])
    client.post("/oid4vp/response", data={"vp_token": json.dumps({"ach": [vp]}),
                                          "state": req["state"]})
    return dict(client.get(f"/api/requests/{r['id']}").json()["result"])


def test_expanded_type_values_are_matched(client: TestClient) -> None:
    res = _answer(client, [[VC, ACH]])
    assert res["verdict"] == "accepted", res["reasons"]
    assert res["dcql"]["satisfied"]


def test_an_iri_the_credential_does_not_expand_to_is_refused(client: TestClient) -> None:
    res = _answer(client, [["https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"]])
    assert res["verdict"] == "rejected"
    assert "dcql.type_mismatch" in json.dumps(res["reasons"])
