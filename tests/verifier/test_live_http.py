"""The full flow over real HTTP: the verifier runs under uvicorn on 127.0.0.1; the wallet is
played with httpx + rotonde.oid4vp + rotonde.sdjwt.present (request_uri POST with
wallet_nonce, request object verified against the served did:web document, direct_post)."""

from __future__ import annotations

import time
from typing import Any

import httpx

from rotonde.did import Resolver
from rotonde.oid4vp import direct_post_form, parse_invocation, verify_request_object
from rotonde.sdjwt import present


def play_wallet(base: str, invocation: str, credential: str, holder: Any,
                disclose: tuple[str, ...] = ("title", "level", "assurance")) -> httpx.Response:
    inv = parse_invocation(invocation)
    assert inv.request_uri is not None and inv.request_uri.startswith(base)
    with httpx.Client(timeout=30) as http:
        ro = http.post(inv.request_uri, data={"wallet_nonce": "wallet-nonce-1"})
        assert ro.status_code == 200, ro.text
        did = inv.client_id.split(":", 1)[1]
        doc = http.get(base + "/.well-known/did.json").json()
        req = verify_request_object(ro.text, client_id=inv.client_id,
                                    resolver=Resolver(documents={did: doc}),
                                    wallet_nonce="wallet-nonce-1", allow_http=True)
        shown = present(credential, disclose=list(disclose), holder_key=holder,
                        nonce=req.nonce, aud=req.client_id)
        qid = req.dcql_query["credentials"][0]["id"]
        return http.post(req.response_uri, data=direct_post_form({qid: [shown]}, req.state))


def test_full_flow_over_http(live: Any, issuer: Any, holder: Any) -> None:
    srv = live()
    with httpx.Client(base_url=srv.url, timeout=30) as http:
        r = http.post("/api/requests", json={"template": "level", "min_level": 3})
        assert r.status_code == 201
        created = r.json()
        assert created["qr_svg"].startswith("<svg") or "<svg" in created["qr_svg"]
        page = http.get(f"/requests/{created['id']}", headers={"accept": "text/html"})
        assert page.status_code == 200 and "openid4vp://" in page.text
        resp = play_wallet(srv.url, created["invocation_uri"], issuer.credential(holder), holder)
        assert resp.status_code == 200 and resp.json() == {}
        deadline = time.monotonic() + 10
        while http.get(f"/requests/{created['id']}/status").json()["status"] != "completed":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        result = http.get(f"/results/{created['id']}", headers={"accept": "application/json"}).json()
        assert result["verdict"] == "accepted"
        html = http.get(f"/results/{created['id']}", headers={"accept": "text/html",
                                                              "accept-language": "en-GB,en;q=0.9"})
        assert '<html lang="en">' in html.text and "Accepted" in html.text
        nl = http.get(f"/results/{created['id']}?lang=nl", headers={"accept": "text/html"})
        assert '<html lang="nl">' in nl.text and "Geaccepteerd" in nl.text
        # the page without JS refreshes itself: the request page redirects to the result now
        again = http.get(f"/requests/{created['id']}", follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"] == f"/results/{created['id']}"
        # the request object is no longer served once answered
        gone = http.post(f"/oid4vp/request/{created['id']}", data={})
        assert gone.status_code == 410
