"""Status lists served by a tiny real HTTP server, fetched through the verifier's Fetcher and
cached per Cache-Control (max-age honoured, no-store never cached); freshness is reported."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.testclient import TestClient

from rotonde.jws import parse_compact
from tests.verifier._support import request_params, wallet_answer
from tests.verifier.conftest import free_port, serve


def _status_server(token_for: Any, cache_control: str) -> tuple[Any, list[str]]:
    hits: list[str] = []
    app = FastAPI()

    @app.get("/status/{n}")
    def status(n: str) -> Response:
        hits.append(n)
        return Response(token_for(n), media_type="application/statuslist+jwt",
                        headers={"cache-control": cache_control})

    return app, hits


def _verify_once(client: TestClient, cred: str, holder: Any) -> dict[str, Any]:
    r = client.post("/api/requests", json={"template": "level"}).json()
    p = request_params(r["invocation_uri"])
    req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
    vp = wallet_answer(cred, holder, nonce=req["nonce"], aud=req["client_id"])
    client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
    return client.get(f"/api/requests/{r['id']}").json()["result"]


def _run(app_factory: Any, issuer: Any, holder: Any, cache_control: str, idx: int = 0) -> tuple[list[dict[str, Any]], list[str]]:
    from rotonde.status import StatusList, issue_status_list_token

    port = free_port()
    uri = f"http://127.0.0.1:{port}/status/1"

    def token_for(_: str) -> str:
        lst = StatusList(64, bits=2)
        lst.set(3, 1)
        return issue_status_list_token(lst, uri=uri, signer=issuer.signer, issuer=issuer.did,
                                       kid=issuer.signer.kid)

    app, hits = _status_server(token_for, cache_control)
    srv = serve(app, port)
    try:
        client = TestClient(app_factory(), raise_server_exceptions=False)
        cred = issuer.credential(holder, status={"status_list": {"idx": idx, "uri": uri}})
        results = [_verify_once(client, cred, holder) for _ in range(2)]
    finally:
        srv.server.should_exit = True
    return results, hits


def test_status_list_cached_for_max_age(app_factory: Any, issuer: Any, holder: Any) -> None:
    results, hits = _run(app_factory, issuer, holder, "max-age=120")
    assert [r["verdict"] for r in results] == ["accepted", "accepted"], results[0]["reasons"]
    assert hits == ["1"]  # the second verification used the cache
    status = next(c for c in results[1]["checks"] if c["name"] == "status")
    assert status["outcome"] == "passed" and status["detail"]["list_uri"].endswith("/status/1")


def test_status_list_no_store_is_fetched_each_time(app_factory: Any, issuer: Any, holder: Any) -> None:
    results, hits = _run(app_factory, issuer, holder, "no-store", idx=3)
    assert [r["verdict"] for r in results] == ["rejected", "rejected"]
    assert "status.revoked" in [p["code"] for p in results[0]["reasons"]]
    assert hits == ["1", "1"]


def test_unreachable_status_server_is_inconclusive(client: TestClient, issuer: Any, holder: Any) -> None:
    uri = f"http://127.0.0.1:{free_port()}/status/1"  # nothing listens there
    cred = issuer.credential(holder, status={"status_list": {"idx": 0, "uri": uri}})
    res = _verify_once(client, cred, holder)
    assert res["verdict"] == "inconclusive"
    assert res["reasons"][0]["code"] == "status.unavailable"
    assert "could not check" in res["summary"]["en"]
    assert json.dumps(res).count("not revoked") == 0
