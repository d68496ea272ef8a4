"""Asking with a requirement profile (examples/requirements): the DCQL query comes from
rotonde.learning.matching.to_dcql, the answer is matched with rotonde.learning.matching.match on
the disclosed claims of SD-JWT VCs issued from the example records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from rotonde.jws import parse_compact
from rotonde.learning import sdjwt_vc
from rotonde.oid4vp import parse_dcql
from rotonde.sdjwt import issue, present
from tests.verifier._support import request_params

ROOT = Path(__file__).resolve().parents[2]
RECORDS = {"mag-lassen": "mc-mag-lassen.json", "tekening-lezen": "mc-tekening-lezen.json",
           "veilig-werken": "mc-veilig-werken.json", "heftruck": "mc-heftruck.json"}


def _profile(*extra_issuers: str) -> dict[str, Any]:
    profile = json.loads((ROOT / "examples/requirements/vacature-constructiewerker.json").read_text())
    profile["accepted_issuers"] = [*profile.get("accepted_issuers", []), *extra_issuers]
    return profile


def _answer(client: TestClient, issuer: Any, holder: Any, profile: dict[str, Any],
            only: tuple[str, ...] = tuple(RECORDS)) -> dict[str, Any]:
    r = client.post("/api/requests", json={"profile": profile})
    assert r.status_code == 201, r.text
    p = request_params(r.json()["invocation_uri"])
    req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
    query = parse_dcql(req["dcql_query"])
    vp: dict[str, list[str]] = {}
    for cq in query.credentials:
        if cq.id not in only:
            continue
        record = json.loads((ROOT / "examples/records" / RECORDS[cq.id]).read_text())
        claims, paths, vct = sdjwt_vc.build(record)
        cred = issue(claims, signer=issuer.signer, disclosable=paths,
                     holder_key=holder.public_key, vct=vct, iss=issuer.did)
        disclose = [".".join("*" if x is None else str(x) for x in c.path) for c in cq.claims or ()]
        vp[cq.id] = [present(cred, disclose=disclose, holder_key=holder, nonce=req["nonce"],
                             aud=req["client_id"])]
    resp = client.post("/oid4vp/response", data={"vp_token": json.dumps(vp), "state": req["state"]})
    assert resp.status_code == 200
    result: dict[str, Any] = client.get(f"/api/requests/{r.json()['id']}").json()["result"]
    return result


def test_profile_met(client: TestClient, issuer: Any, holder: Any) -> None:
    res = _answer(client, issuer, holder, _profile(issuer.did))
    assert res["verdict"] == "accepted", res["reasons"]
    assert res["dcql"]["satisfied"]
    items = {r["detail"]["id"]: r for r in res["requirement"]["reasons"]}
    assert items["mag-lassen"]["met"] and items["mag-lassen"]["detail"]["evidence"] == ["mag-lassen"]
    assert "optional" in items["klantenservice"]["message"]
    # no learner name or grade was asked for, so none was disclosed
    assert all("grade" not in c["claims"] for c in res["credentials"])


def test_profile_issuer_not_accepted(client: TestClient, issuer: Any, holder: Any) -> None:
    res = _answer(client, issuer, holder, _profile())
    assert res["verdict"] == "rejected"
    assert res["reasons"][0]["code"] == "requirement.profile_item"
    assert "not accepted" in res["reasons"][0]["message"]


def test_profile_required_credential_missing(client: TestClient, issuer: Any, holder: Any) -> None:
    res = _answer(client, issuer, holder, _profile(issuer.did), only=("mag-lassen",))
    assert res["verdict"] == "rejected"
    assert "dcql.credential_missing" in [p["code"] for p in res["reasons"]]
    assert set(res["dcql"]["unanswered"]) >= {"tekening-lezen", "veilig-werken"}


def test_ask_page_offers_profiles(client: TestClient) -> None:
    page = client.get("/?lang=en")
    assert "Vacancy: steel construction worker / welder" in page.text
    r = client.post("/requests", data={"profile": "urn:rotonde:requirement:vandijk-constructiewerker-2026"},
                    follow_redirects=False)
    assert r.status_code == 303
    sid = r.headers["location"].rsplit("/", 1)[1]
    assert "welder" in client.get(f"/api/requests/{sid}").json()["title"]
