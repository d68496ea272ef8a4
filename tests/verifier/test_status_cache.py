"""Status lists served by a tiny real HTTP server, fetched through the verifier's Fetcher and
cached per Cache-Control (max-age honoured, no-store never cached); freshness is reported."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.testclient import TestClient

from rotonde.jws import parse_compact
from tests.verifier._support import request_params, wallet_answer
from tests.verifier.conftest import free_port, serve

pytestmark = pytest.mark.system  # status lists served over real HTTP


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


# -- issue 19 item 3: status fan-out ----------------------------------------------------------

#: A 1 MiB status "list" that costs ~24 MiB once parsed (an array of empty objects).
_HEAVY = b'{"x":[' + b",".join([b"{}"] * ((1024 * 1024 - 16) // 3)) + b"]}"


def _rss_mib() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS"))
    except (OSError, StopIteration):
        pytest.skip("no /proc/self/status to read the resident set size from")


def _heavy_lists() -> tuple[Any, list[str]]:
    hits: list[str] = []
    app = FastAPI()

    @app.get("/l/{n}")
    def one(n: str) -> Response:
        hits.append(n)
        return Response(_HEAVY, media_type="application/vc+ld+json",
                        headers={"cache-control": "max-age=3600"})

    return app, hits


def _with_status(issuer_did: str, base: str, entries: int, lists: int) -> dict[str, Any]:
    from rotonde.status import build_status_entry

    status = []
    for i in range(entries):
        entry = build_status_entry(list_credential=f"{base}{i % lists}", index=i)
        entry["id"] = f"{base}{i % lists}#{i}"
        status.append(entry)
    return {"@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"], "issuer": issuer_did,
            "credentialSubject": {"id": "did:example:learner"}, "credentialStatus": status}


def test_unsigned_credential_with_hundreds_of_status_entries_fetches_nothing(
        app_factory: Any) -> None:
    """The review's reproduction: an unsigned ldp_vc with 290 ``credentialStatus`` entries over
    40 lists of 1 MiB, posted to the open VC-API, took the verifier from 143 to 1,110 MiB."""
    gc.collect()
    before = _rss_mib()
    port = free_port()
    app, hits = _heavy_lists()
    srv = serve(app, port)
    try:
        client = TestClient(app_factory(), raise_server_exceptions=False)
        vc = _with_status("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                          f"http://127.0.0.1:{port}/l/", 290, 40)
        r = client.post("/vc-api/credentials/verify", json={"verifiableCredential": vc})
    finally:
        srv.server.should_exit = True
    assert r.status_code == 400 and r.json()["verified"] is False
    checks = {c["name"]: c for c in r.json()["report"]["checks"]}
    assert checks["signature"]["problems"][0]["code"] == "di.proof_missing"
    assert checks["status"]["outcome"] == "skipped"
    assert [p["code"] for p in checks["status"]["problems"]] == ["check.not_run"]
    assert hits == []  # not one list was fetched for a credential nobody signed
    gc.collect()
    assert _rss_mib() - before < 100  # was ~970 MiB more


def test_status_cache_is_bounded_by_bytes_not_entries(app_factory: Any) -> None:
    """A credential that *is* signed (by anyone's own did:key) may still name lists; the cache
    keeps their bodies as bytes within its budget, never the parsed (20x larger) documents."""
    from rotonde.did import did_key_from_public_key
    from rotonde.http import Fetcher, URLPolicy
    from rotonde.keys import generate
    from rotonde.proofs import add_proof
    from rotonde.status.resolver import StatusListResolver
    from rotonde.verify.status import MAX_STATUS_ENTRIES

    key = generate("EdDSA")
    did = did_key_from_public_key(key.public_key)
    budget = 3 * 1024 * 1024
    resolver = StatusListResolver(Fetcher(policy=URLPolicy(allow_http=True, allow_private=True)),
                                  max_bytes=budget)
    gc.collect()
    before = _rss_mib()
    port = free_port()
    app, hits = _heavy_lists()
    srv = serve(app, port)
    try:
        client = TestClient(app_factory(status_resolver=resolver), raise_server_exceptions=False)
        vc = add_proof(_with_status(did, f"http://127.0.0.1:{port}/l/", MAX_STATUS_ENTRIES,
                                    MAX_STATUS_ENTRIES),
                       signer=key, verification_method=f"{did}#{did[8:]}")
        r = client.post("/vc-api/credentials/verify", json={"verifiableCredential": vc})
    finally:
        srv.server.should_exit = True
    checks = {c["name"]: c for c in r.json()["report"]["checks"]}
    assert checks["signature"]["outcome"] == "passed"
    assert checks["status"]["outcome"] == "failed"  # the lists are not status lists at all
    assert len(hits) == MAX_STATUS_ENTRIES
    assert 0 < resolver.cache.size <= budget and len(resolver.cache) == 3
    gc.collect()
    assert _rss_mib() - before < 100  # parsed and cached: ~190 MiB more


def test_the_verifier_status_cache_has_a_byte_budget(app_factory: Any) -> None:
    from rotonde.status.resolver import CACHE_MAX_BYTES

    resolver = app_factory().state.verifier.status_resolver
    assert resolver.cache.max_bytes == CACHE_MAX_BYTES
