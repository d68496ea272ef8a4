"""Replay is a named policy check inside the engine (issue 20): ``replay`` looks the
presentation up; recording it as used happens in the transaction that stores the verdict, only
for a presentation that verified, and the database's unique key still decides a race."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi.testclient import TestClient

from rotonde.verify import presentation_digest
from tests.verifier._support import request_params, wallet_answer
from verifier.flows.verification import (
    build_result,
    record_presentations,
    verify_presentations,
)


def _start(client: TestClient) -> tuple[str, dict[str, Any]]:
    from rotonde.jws import parse_compact

    r = client.post("/api/requests", json={"template": "level", "min_level": 3})
    assert r.status_code == 201, r.text
    params = request_params(r.json()["invocation_uri"])
    ro = client.get(params["request_uri"].split("8003", 1)[1])
    return r.json()["id"], parse_compact(ro.text).claims()


def _check(report: Any, name: str) -> Any:
    check = report.check(name)
    assert check is not None, [c.name for c in report.checks]
    return check


def test_a_recorded_presentation_fails_the_replay_check(client: TestClient, issuer: Any,
                                                        holder: Any) -> None:
    ctx = client.app.state.verifier  # type: ignore[attr-defined]
    nonce, aud = "n-" + "x" * 20, ctx.client_id
    token = json.loads(wallet_answer(issuer.credential(holder), holder, nonce=nonce, aud=aud))
    fresh = verify_presentations(ctx, token, nonce=nonce, audience=aud)["achievement"][0]
    assert fresh.verified and _check(fresh, "replay").outcome == "passed"
    assert [c.name for c in fresh.checks][-1] == "replay"  # after the built-in checks
    ctx.one_time.issue("presentation", presentation_digest(token["achievement"][0]), ttl=60)
    again = verify_presentations(ctx, token, nonce=nonce, audience=aud)
    replay = _check(again["achievement"][0], "replay")
    assert replay.outcome == "failed" and replay.fatal
    assert [p.code for p in replay.problems] == ["presentation.replayed"]
    assert not again["achievement"][0].verified
    result = build_result(ctx, again, dcql_query=None, requirement=None)
    assert result["verdict"] == "rejected"
    assert [r["code"] for r in result["reasons"]] == ["presentation.replayed"]
    assert any(row["name"] == "replay" and row["outcome"] == "failed" for row in result["checks"])


def test_only_a_presentation_that_verified_is_recorded(client: TestClient, issuer: Any,
                                                       holder: Any) -> None:
    ctx = client.app.state.verifier  # type: ignore[attr-defined]
    # bound to its session (holder binding passes), but the credential has expired
    sid, req = _start(client)
    old = issuer.credential(holder, exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)
    vp = wallet_answer(old, holder, nonce=req["nonce"], aud=req["client_id"])
    r = client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
    assert r.status_code == 200
    assert client.get(f"/api/requests/{sid}").json()["verdict"] == "rejected"
    assert not ctx.one_time.seen("presentation", presentation_digest(json.loads(vp)["achievement"][0]))
    # an accepted one is recorded, in the transaction that stored its result
    sid, req = _start(client)
    vp = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"], aud=req["client_id"])
    assert client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]}).status_code == 200
    assert client.get(f"/api/requests/{sid}").json()["verdict"] == "accepted"
    assert ctx.one_time.seen("presentation", presentation_digest(json.loads(vp)["achievement"][0]))


def test_a_presentation_recorded_meanwhile_by_another_worker_is_a_replay(
        client: TestClient, issuer: Any, holder: Any) -> None:
    ctx = client.app.state.verifier  # type: ignore[attr-defined]
    nonce, aud = "n-" + "y" * 20, ctx.client_id
    token = json.loads(wallet_answer(issuer.credential(holder), holder, nonce=nonce, aud=aud))
    reports = verify_presentations(ctx, token, nonce=nonce, audience=aud)
    assert reports["achievement"][0].verified
    # another worker verified the same presentation and committed first
    ctx.one_time.issue("presentation", presentation_digest(token["achievement"][0]), ttl=60)
    with ctx.db.session() as s:
        stored = record_presentations(ctx, token, reports, conn=s.connection(), nonce=nonce,
                                      audience=aud)
    report = stored["achievement"][0]
    assert not report.verified
    assert [p.code for p in _check(report, "replay").problems] == ["presentation.replayed"]
