"""Only a response that proves it was made for a session ends it (OpenID4VP 1.0 §14.1.2, §8.5;
issue 19, item 11).

``state`` is public to anyone who sees the request QR code (the request object behind it can be
fetched by anyone). Garbage, an unauthenticated ``error``, an undecryptable JWE or a genuine
presentation bound to another session are shown, but the session stays open for the wallet and
no presentation is used up.
"""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi.testclient import TestClient

from rotonde.jws import parse_compact
from rotonde.keys import generate
from rotonde.oid4vp import encrypt_response, response_encryption_key
from tests.verifier._support import request_params, wallet_answer


def _start(client: TestClient, **body: Any) -> tuple[str, dict[str, Any]]:
    r = client.post("/api/requests", json={"template": "level", "min_level": 3, **body})
    assert r.status_code == 201, r.text
    params = request_params(r.json()["invocation_uri"])
    # what an onlooker who photographed the QR code can do: fetch the request object
    ro = client.post(params["request_uri"].split("8003", 1)[1], data={})
    assert ro.status_code == 200
    return r.json()["id"], parse_compact(ro.text).claims()


def _session(client: TestClient, sid: str) -> dict[str, Any]:
    out: dict[str, Any] = client.get(f"/api/requests/{sid}").json()
    return out


def _webhooks(app: Any) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    app.state.verifier.webhook_sender = (
        lambda url, body, headers: sent.append(json.loads(body)) or 204)
    return sent


def _wait_for(sent: list[Any], n: int) -> None:
    deadline = time.monotonic() + 10
    while len(sent) < n and time.monotonic() < deadline:
        time.sleep(0.02)


def test_an_onlooker_cannot_end_the_session(app_factory: Any, issuer: Any, holder: Any) -> None:
    app = app_factory(webhook_url="http://127.0.0.1:9/hook", webhook_secret="s" * 32)
    sent = _webhooks(app)
    client = TestClient(app, raise_server_exceptions=False)
    sid, req = _start(client)
    for form, status, verdict in (({"vp_token": "x"}, 400, "rejected"),
                                  ({"error": "access_denied"}, 200, "declined"),
                                  ({"vp_token": '{"achievement": ["a~b~"]}'}, 400, "rejected")):
        r = client.post("/oid4vp/response", data={**form, "state": req["state"]})
        assert r.status_code == status, (form, r.text)
        shown = _session(client, sid)
        # shown with the precise reason, but still open for the wallet
        assert shown["verdict"] == verdict and shown["result"]["final"] is False, shown
        assert shown["status"] == "retrieved" and "invocation_uri" in shown
    page = client.get(f"/requests/{sid}", headers={"accept-language": "en"})
    assert page.status_code == 200 and 'id="attempt"' in page.text  # the employer sees it
    vp = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"], aud=req["client_id"])
    ok = client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
    assert ok.status_code == 200, ok.text
    done = _session(client, sid)
    assert done["status"] == "completed" and done["verdict"] == "accepted"
    assert "final" not in done["result"]
    _wait_for(sent, 1)
    assert [w["verdict"] for w in sent] == ["accepted"]  # no webhook for what is not final
    # once completed, nothing an onlooker sends changes it
    assert client.post("/oid4vp/response",
                       data={"error": "access_denied", "state": req["state"]}).status_code == 400
    assert _session(client, sid)["verdict"] == "accepted"


def test_an_undecryptable_response_leaves_an_encrypted_session_open(
    client: TestClient, issuer: Any, holder: Any,
) -> None:
    sid, req = _start(client, response_mode="direct_post.jwt")
    pub, kid, enc = response_encryption_key(req["client_metadata"])
    vp = json.loads(wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"],
                                  aud=req["client_id"]))
    # the session's kid, but encrypted to another key: anyone can make one
    junk = encrypt_response({"vp_token": vp, "state": req["state"]},
                            generate("ES256").public_key, kid=kid, enc=enc)
    assert client.post("/oid4vp/response", data={"response": junk}).status_code == 400
    shown = _session(client, sid)
    assert shown["status"] == "retrieved" and shown["verdict"] == "rejected"
    assert shown["result"]["reasons"][0]["code"] == "oid4vp.response_undecryptable"
    token = encrypt_response({"vp_token": vp, "state": req["state"]}, pub, kid=kid, enc=enc)
    assert client.post("/oid4vp/response", data={"response": token}).status_code == 200
    assert _session(client, sid)["verdict"] == "accepted"


def test_a_presentation_posted_under_another_state_is_not_burnt(
    client: TestClient, issuer: Any, holder: Any,
) -> None:
    sid_a, req_a = _start(client)
    sid_b, req_b = _start(client)
    vp_a = wallet_answer(issuer.credential(holder), holder, nonce=req_a["nonce"],
                         aud=req_a["client_id"])
    wrong = client.post("/oid4vp/response", data={"vp_token": vp_a, "state": req_b["state"]})
    assert wrong.status_code == 400
    b = _session(client, sid_b)
    assert b["status"] == "retrieved" and b["result"]["final"] is False
    ok = client.post("/oid4vp/response", data={"vp_token": vp_a, "state": req_a["state"]})
    assert ok.status_code == 200, ok.text
    a = _session(client, sid_a)
    assert a["verdict"] == "accepted", a["result"]["reasons"]
    # and B can still be answered by its own wallet
    vp_b = wallet_answer(issuer.credential(holder), holder, nonce=req_b["nonce"],
                         aud=req_b["client_id"])
    assert client.post("/oid4vp/response",
                       data={"vp_token": vp_b, "state": req_b["state"]}).status_code == 200
    assert _session(client, sid_b)["verdict"] == "accepted"

