"""The OpenID4VP request → wallet direct_post → result flow, and every way it can go wrong.

The wallet is played with rotonde.sdjwt.present; each bad input must give the right verdict
with a precise reason, and never a 500.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rotonde.did import Resolver
from rotonde.jws import parse_compact
from rotonde.oid4vp import parse_invocation, verify_request_object
from tests.conftest import SettableClock, examples
from tests.verifier._support import (
    request_params,
    status_claim,
    status_token,
    wallet_answer,
)


def _start(client: TestClient, **body: Any) -> tuple[str, dict[str, Any]]:
    r = client.post("/api/requests", json=body or {"template": "level", "min_level": 3})
    assert r.status_code == 201, r.text
    out = r.json()
    params = request_params(out["invocation_uri"])
    ro = client.get(params["request_uri"].split("8003", 1)[1])
    assert ro.status_code == 200
    assert ro.headers["content-type"].startswith("application/oauth-authz-req+jwt")
    return out["id"], parse_compact(ro.text).claims()


def _result(client: TestClient, sid: str) -> dict[str, Any]:
    r = client.get(f"/api/requests/{sid}")
    assert r.status_code == 200
    return r.json()


def _check(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in result["checks"] if c["name"] == name)


def _codes(result: dict[str, Any]) -> list[str]:
    return [p["code"] for p in result["reasons"]]


def test_happy_path_accepted(client: TestClient, issuer: Any, holder: Any) -> None:
    sid, req = _start(client)
    assert req["client_id"].startswith("decentralized_identifier:did:web:")
    assert req["response_mode"] == "direct_post" and req["response_type"] == "vp_token"
    assert req["dcql_query"]["credentials"][0]["format"] == "dc+sd-jwt"
    vp = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"], aud=req["client_id"])
    resp = client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
    assert resp.status_code == 200 and resp.json() == {}
    out = _result(client, sid)
    assert out["status"] == "completed" and out["verdict"] == "accepted"
    res = out["result"]
    assert res["dcql"]["satisfied"] and res["requirement"]["met"]
    assert res["credentials"][0]["claims"]["level"]["value"] == 4
    assert [c["name"] for c in res["checks"]][:3] == ["parse", "signature", "holder_binding"]
    assert _check(res, "holder_binding")["outcome"] == "passed"


def test_request_object_signed_by_served_did_web(client: TestClient) -> None:
    r = client.post("/api/requests", json={"template": "achievement"}).json()
    inv = parse_invocation(r["invocation_uri"])
    assert inv.request_uri_method == "post"
    doc = client.get("/.well-known/did.json").json()
    did = inv.client_id.split(":", 1)[1]
    assert doc["id"] == did
    ro = client.post(inv.request_uri.split("8003", 1)[1], data={"wallet_nonce": "wn-123"})
    got = verify_request_object(ro.text, client_id=inv.client_id,
                                resolver=Resolver(documents={did: doc}), wallet_nonce="wn-123",
                                allow_http=True)
    assert got.response_uri == "http://127.0.0.1:8003/oid4vp/response"
    # the status page now says the wallet opened it
    assert client.get(f"/requests/{r['id']}/status").json()["status"] == "retrieved"


def test_wrong_nonce_and_wrong_audience(client: TestClient, issuer: Any, holder: Any) -> None:
    for nonce, aud in (("some-other-nonce-123456", None), (None, "decentralized_identifier:did:web:evil.example")):
        sid, req = _start(client)
        vp = wallet_answer(issuer.credential(holder), holder, nonce=nonce or req["nonce"],
                           aud=aud or req["client_id"])
        r = client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
        assert r.status_code == 400 and "not bound" in r.json()["error_description"]
        out = _result(client, sid)
        res = out["result"]
        # shown as rejected, but not bound to this request: it stays open (issue 19, item 11)
        assert res["verdict"] == "rejected" and res["final"] is False
        assert out["status"] == "retrieved"
        hb = _check(res, "holder_binding")
        assert hb["outcome"] == "failed"
        codes = " ".join(p["code"] for p in hb["problems"])
        assert ("nonce" in codes) if nonce else ("aud" in codes), codes


def test_replayed_response_and_presentation(client: TestClient, issuer: Any, holder: Any) -> None:
    sid, req = _start(client)
    vp = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"], aud=req["client_id"])
    form = {"vp_token": vp, "state": req["state"]}
    assert client.post("/oid4vp/response", data=form).status_code == 200
    again = client.post("/oid4vp/response", data=form)
    assert again.status_code == 400 and again.json()["error"] == "invalid_request"
    assert "already answered" in again.json()["error_description"]
    assert _result(client, sid)["verdict"] == "accepted"  # the first answer stands
    # the same presentation sent to a new request: bound to the first one's nonce, refused
    sid2, req2 = _start(client)
    r = client.post("/oid4vp/response", data={"vp_token": vp, "state": req2["state"]})
    assert r.status_code == 400
    res = _result(client, sid2)["result"]
    assert res["verdict"] == "rejected" and res["final"] is False
    assert "sdjwt.kb_nonce_mismatch" in _codes(res), _codes(res)


def test_unknown_and_expired_session(client: TestClient, clock: SettableClock, issuer: Any, holder: Any) -> None:
    r = client.post("/oid4vp/response", data={"vp_token": "{}", "state": "no-such-state"})
    assert r.status_code == 400 and "unknown" in r.json()["error_description"]
    r = client.post("/oid4vp/response", data={"vp_token": "{}"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    sid, req = _start(client)
    vp = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"], aud=req["client_id"])
    clock.advance(601)
    r = client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
    assert r.status_code == 400 and "expired" in r.json()["error_description"]
    assert _result(client, sid)["status"] == "expired"
    assert client.get(f"/oid4vp/request/{sid}").status_code == 410
    assert client.get("/oid4vp/request/unknown-id").status_code == 404


def test_tampered_disclosure(client: TestClient, issuer: Any, holder: Any) -> None:
    from rotonde.encoding import b64url_decode, b64url_encode

    sid, req = _start(client)
    vp = json.loads(wallet_answer(issuer.credential(holder, level=2), holder,
                                  nonce=req["nonce"], aud=req["client_id"]))
    parts = vp["achievement"][0].split("~")
    for i, part in enumerate(parts[1:-1], start=1):
        salt, name, value = json.loads(b64url_decode(part))
        if name == "level":
            value["value"] = 8  # claim a higher level
            parts[i] = b64url_encode(json.dumps([salt, name, value]).encode())
    tampered = json.dumps({"achievement": ["~".join(parts)]})
    assert client.post("/oid4vp/response", data={"vp_token": tampered, "state": req["state"]}).status_code == 400
    res = _result(client, sid)["result"]
    assert res["verdict"] == "rejected"
    failed = [c["name"] for c in res["checks"] if c["outcome"] == "failed"]
    assert failed and failed[0] in ("parse", "holder_binding"), failed


def test_revoked_suspended_and_unreachable_status(app_factory: Any, issuer: Any, holder: Any) -> None:
    token = status_token(issuer, {1: 1, 2: 2})
    cases = [(0, lambda uri: token, "accepted", None),
             (1, lambda uri: token, "rejected", "status.revoked"),
             (2, lambda uri: token, "rejected", "status.suspended"),
             (0, lambda uri: None, "inconclusive", "status.unavailable")]
    for idx, resolver, verdict, code in cases:
        client = TestClient(app_factory(status_resolver=resolver), raise_server_exceptions=False)
        sid, req = _start(client)
        cred = issuer.credential(holder, status=status_claim(idx))
        vp = wallet_answer(cred, holder, nonce=req["nonce"], aud=req["client_id"])
        client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
        res = _result(client, sid)["result"]
        assert res["verdict"] == verdict, (idx, res["reasons"])
        status = _check(res, "status")
        if code is None:
            assert status["outcome"] == "passed" and status["detail"]["fresh_until"]
            html = client.get(f"/results/{sid}?lang=en", headers={"accept": "text/html"}).text
            assert "fresh until" in html and "https://status.example/lists/1" in html
        else:
            assert status["outcome"] == "failed" and code in _codes(res)
            assert "not revoked" not in res["summary"]["en"].lower()


def test_expired_credential(client: TestClient, issuer: Any, holder: Any) -> None:
    import time

    sid, req = _start(client)
    cred = issuer.credential(holder, exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)
    vp = wallet_answer(cred, holder, nonce=req["nonce"], aud=req["client_id"])
    client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
    res = _result(client, sid)["result"]
    assert res["verdict"] == "rejected" and _check(res, "validity")["outcome"] == "failed"


def test_unknown_issuer_key(client: TestClient, holder: Any) -> None:
    from tests.verifier._support import Issuer

    other = Issuer()
    other.signer = other.key.with_kid(other.did + "#wrong")  # kid not in the did:key document
    sid, req = _start(client)
    vp = wallet_answer(other.credential(holder), holder, nonce=req["nonce"], aud=req["client_id"])
    client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
    res = _result(client, sid)["result"]
    assert res["verdict"] == "rejected" and _check(res, "signature")["outcome"] == "failed"


def test_requirement_not_met_and_missing_claims(client: TestClient, issuer: Any, holder: Any) -> None:
    sid, req = _start(client, template="level", min_level=5)
    vp = wallet_answer(issuer.credential(holder, level=4), holder, nonce=req["nonce"], aud=req["client_id"])
    client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
    res = _result(client, sid)["result"]
    assert res["verdict"] == "rejected" and "requirement.level" in _codes(res)
    assert "4" in res["summary"]["en"] and "5" in res["summary"]["en"]
    sid, req = _start(client, template="level")
    vp = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"], aud=req["client_id"],
                       disclose=("title",))
    client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
    res = _result(client, sid)["result"]
    assert res["verdict"] == "rejected" and _codes(res)[0] == "dcql.claim_missing"


def test_garbage_responses_never_500(client: TestClient) -> None:
    sid, req = _start(client)
    bad = client.post("/oid4vp/response", data={"vp_token": "not json", "state": req["state"]})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_request"
    res = _result(client, sid)["result"]
    assert res["verdict"] == "rejected" and _codes(res) == ["oid4vp.vp_token_malformed"]
    for kwargs in ({"content": b"\xff\xfe", "headers": {"content-type": "application/x-www-form-urlencoded"}},
                   {"json": {"vp_token": {}}},
                   {"content": b"a=1&a=2", "headers": {"content-type": "application/x-www-form-urlencoded"}},
                   {"content": b"", "headers": {"content-type": "application/x-www-form-urlencoded"}}):
        r = client.post("/oid4vp/response", **kwargs)
        assert r.status_code == 400, (kwargs, r.text)
        assert r.json()["error"] == "invalid_request"
    sid, req = _start(client)
    for token in ('{"achievement": ["x~y~"]}', '{"achievement": [{"type": "nothing"}]}'):
        sid, req = _start(client)
        r = client.post("/oid4vp/response", data={"vp_token": token, "state": req["state"]})
        assert r.status_code == 400
        assert _result(client, sid)["verdict"] == "rejected"


def test_wallet_declines(client: TestClient) -> None:
    sid, req = _start(client)
    r = client.post("/oid4vp/response", data={"error": "access_denied", "state": req["state"]})
    assert r.status_code == 200
    assert _result(client, sid)["verdict"] == "declined"


def test_api_key_required_when_configured(app_factory: Any) -> None:
    key = "k" * 32
    client = TestClient(app_factory(api_keys=(key,)), raise_server_exceptions=False)
    r = client.post("/api/requests", json={"template": "achievement"})
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")
    r = client.post("/api/requests", json={"template": "achievement"},
                    headers={"authorization": "Bearer " + "x" * 32})
    assert r.status_code == 401
    r = client.post("/api/requests", json={"template": "achievement"},
                    headers={"authorization": "Bearer " + key})
    assert r.status_code == 201
    r = client.post("/api/requests", json={"template": "nope"}, headers={"authorization": "Bearer " + key})
    assert r.status_code == 422 and r.json()["code"] == "request.invalid"
    r = client.post("/api/requests", json={"dcql_query": {"credentials": []}},
                    headers={"authorization": "Bearer " + key})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/credentials"


def test_signed_webhook(app_factory: Any, issuer: Any, holder: Any) -> None:
    from verifier.flows.webhook import verify_webhook

    secret = "s" * 32
    app = app_factory(webhook_url="http://127.0.0.1:9/hook", webhook_secret=secret)
    sent: list[tuple[str, bytes, dict[str, str]]] = []
    app.state.verifier.webhook_sender = lambda url, body, headers: sent.append((url, body, headers)) or 204
    client = TestClient(app)
    sid, req = _start(client)
    vp = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"], aud=req["client_id"])
    client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
    import time

    deadline = time.monotonic() + 10
    while not sent and time.monotonic() < deadline:
        time.sleep(0.02)
    url, body, headers = sent[0]
    assert url == "http://127.0.0.1:9/hook"
    payload = json.loads(body)
    assert payload["session_id"] == sid and payload["verdict"] == "accepted"
    assert verify_webhook(secret, body, headers["x-rotonde-signature"], now=time.time())
    assert not verify_webhook(secret, body + b" ", headers["x-rotonde-signature"], now=time.time())
    assert not verify_webhook("t" * 32, body, headers["x-rotonde-signature"], now=time.time())


@pytest.mark.system
def test_webhook_is_posted_through_the_fetcher_under_its_deadline(
    app_factory: Any, issuer: Any, holder: Any,
) -> None:
    """The webhook goes through the service's Fetcher (URL policy, one deadline): a receiver
    that drips its answer byte by byte is cut off at the Fetcher's deadline and the delivery is
    recorded as failed (status 0)."""
    import time

    from rotonde.http import Fetcher, URLPolicy
    from tests.core.http.test_deadline import Dripper
    from verifier.models import VerificationSession

    receiver = Dripper("headers", pause=0.5)
    try:
        fetcher = Fetcher(policy=URLPolicy(allow_http=True, allow_private=True), timeout=1.5)
        app = app_factory(webhook_url=f"http://127.0.0.1:{receiver.port}/hook",
                          webhook_secret="s" * 32, fetcher=fetcher)
        client = TestClient(app)
        sid, req = _start(client)
        vp = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"],
                           aud=req["client_id"])
        started = time.monotonic()
        client.post("/oid4vp/response", data={"vp_token": vp, "state": req["state"]})
        status = None
        while status is None and time.monotonic() - started < 10:
            time.sleep(0.05)
            with app.state.verifier.db.session() as s:
                status = s.get(VerificationSession, sid).webhook_status
        took = time.monotonic() - started
    finally:
        receiver.close()
    assert status == 0, status
    assert len(receiver.opened) == 1
    assert took < 1.5 + 1.5, took  # the deadline, plus verifying the presentation


def test_organisation_name_reaches_the_wallet_as_client_name(app_factory: Any) -> None:
    """Wallets show who asks: client_metadata.client_name (RFC 7591 §2) when configured."""
    client = TestClient(app_factory(organisation_name="Van Dijk Staalbouw"))
    _, claims = _start(client)
    assert claims["client_metadata"]["client_name"] == "Van Dijk Staalbouw"
    plain = TestClient(app_factory())
    _, claims = _start(plain)
    assert "client_name" not in claims["client_metadata"]


def test_redirect_uri_client_id_in_dev(client: TestClient, issuer: Any, holder: Any) -> None:
    from rotonde.oid4vp import check_request

    r = client.post("/api/requests", json={"template": "achievement", "client_id_prefix": "redirect_uri"})
    assert r.status_code == 201
    inv = parse_invocation(r.json()["invocation_uri"])
    assert inv.params is not None and inv.request_uri is None
    req = check_request(inv.params, allow_http=True)
    assert req.client_id == "redirect_uri:" + req.response_uri
    vp = wallet_answer(issuer.credential(holder), holder, nonce=req.nonce, aud=req.client_id,
                       disclose=("title", "level", "awarding_body"))
    client.post("/oid4vp/response", data={"vp_token": vp, "state": req.state})
    assert _result(client, r.json()["id"])["verdict"] == "accepted"


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["vp_token", "state", "error", "response", "x"]),
                       st.text(max_size=60) | st.sampled_from(['{"achievement": ["a~b"]}', "{}", "[]"]),
                       max_size=4))
def test_direct_post_fuzz_never_500(client: TestClient, form: dict[str, str]) -> None:
    r = client.post("/oid4vp/response", data=form)
    assert r.status_code in (200, 400), r.text
    assert "error" in r.json() or r.json() == {}


def test_direct_post_jwt_encrypted_response(client: TestClient, issuer: Any, holder: Any) -> None:
    from rotonde.oid4vp import encrypt_response, response_encryption_key

    r = client.post("/api/requests", json={"template": "level", "response_mode": "direct_post.jwt"}).json()
    p = request_params(r["invocation_uri"])
    req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
    assert req["response_mode"] == "direct_post.jwt"
    pub, kid, enc = response_encryption_key(req["client_metadata"])
    vp = json.loads(wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"], aud=req["client_id"]))
    # a plain direct_post to an encrypted request is refused
    plain = client.post("/oid4vp/response", data={"vp_token": json.dumps(vp), "state": req["state"]})
    assert plain.status_code == 400 and "direct_post.jwt" in plain.json()["error_description"]
    # encrypted to another key: unknown kid
    other = encrypt_response({"vp_token": vp, "state": req["state"]}, generate_key().public_key, kid="nope")
    assert client.post("/oid4vp/response", data={"response": other}).status_code == 400
    token = encrypt_response({"vp_token": vp, "state": req["state"]}, pub, kid=kid, enc=enc)
    ok = client.post("/oid4vp/response", data={"response": token})
    assert ok.status_code == 200, ok.text
    assert _result(client, r["id"])["verdict"] == "accepted"
    # the same encrypted response again: already answered
    assert client.post("/oid4vp/response", data={"response": token}).status_code == 400


def test_direct_post_jwt_garbage(client: TestClient) -> None:
    from rotonde.oid4vp import encrypt_response, response_encryption_key

    r = client.post("/api/requests", json={"template": "level", "response_mode": "direct_post.jwt"}).json()
    p = request_params(r["invocation_uri"])
    req = parse_compact(client.get(p["request_uri"].split("8003", 1)[1]).text).claims()
    pub, kid, _ = response_encryption_key(req["client_metadata"])
    token = encrypt_response({"vp_token": "{not json", "state": req["state"]}, pub, kid=kid)
    bad = client.post("/oid4vp/response", data={"response": token})
    assert bad.status_code == 400
    res = _result(client, r["id"])["result"]
    assert res["verdict"] == "rejected" and _codes(res) == ["oid4vp.vp_token_malformed"]


def generate_key() -> Any:
    from rotonde.keys import generate

    return generate("ES256")
