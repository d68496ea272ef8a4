"""Scanning a learner's share QR (docs/share-protocol.md): by value, by reference over real
HTTP, pasted; replay, expiry, wrong audience, garbage and unreadable images."""

from __future__ import annotations

import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from rotonde.encoding import b64url_encode
from rotonde.errors import RotondeError
from rotonde.sdjwt import present
from tests.conftest import examples
from tests.verifier._support import page_csrf, sign_in
from verifier.flows.scan import parse_share_text


def _share(issuer: Any, holder: Any, *, expires_in: float = 600, aud: str | None = None,
           nonce: str | None = None) -> dict[str, Any]:
    share_id = secrets.token_urlsafe(16)
    nonce = nonce or secrets.token_urlsafe(16)
    shown = present(issuer.credential(holder), disclose=["title", "level"], holder_key=holder,
                    nonce=nonce, aud=aud or "rotonde:share:" + share_id)
    exp = datetime.fromtimestamp(time.time() + expires_in, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"type": "rotonde-share", "version": 1, "share_id": share_id, "nonce": nonce,
            "expires_at": exp, "presentations": [shown]}


def _by_value(env: dict[str, Any]) -> str:
    return "rotonde-share:" + b64url_encode(json.dumps(env).encode())


def _scan(client: TestClient, **data: Any) -> dict[str, Any]:
    csrf = page_csrf(client, "/scan")
    r = client.post("/scan", data={**data, **({"csrf": csrf} if csrf else {})},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    out = client.get(r.headers["location"] + ".json").json()
    assert out["kind"] == "share"
    return out["result"]


def _codes(result: dict[str, Any]) -> list[str]:
    return [p["code"] for p in result["reasons"]]


def test_share_by_value_and_replay(client: TestClient, issuer: Any, holder: Any) -> None:
    env = _share(issuer, holder)
    res = _scan(client, text=_by_value(env), min_level="3")
    assert res["verdict"] == "accepted", res["reasons"]
    assert res["share"]["share_id"] == env["share_id"]
    assert res["requirement"]["met"]
    again = _scan(client, text=_by_value(env))
    assert again["verdict"] == "rejected" and _codes(again) == ["share.replayed"]


def test_bare_pasted_presentation(client: TestClient, issuer: Any, holder: Any) -> None:
    env = _share(issuer, holder)
    res = _scan(client, text=env["presentations"][0])
    assert res["verdict"] == "accepted", res["reasons"]
    assert _codes(_scan(client, text=env["presentations"][0])) == ["share.replayed"]
    wrong = present(issuer.credential(holder), disclose=["title"], holder_key=holder,
                    nonce="n" * 22, aud="decentralized_identifier:did:web:other.example")
    assert _codes(_scan(client, text=wrong)) == ["share.wrong_audience"]


def test_expired_share_and_wrong_binding(client: TestClient, issuer: Any, holder: Any) -> None:
    assert _codes(_scan(client, text=_by_value(_share(issuer, holder, expires_in=-5)))) == ["share.expired"]
    env = _share(issuer, holder, aud="rotonde:share:someone-elses-share-id")
    res = _scan(client, text=_by_value(env))
    assert res["verdict"] == "rejected"
    hb = next(c for c in res["checks"] if c["name"] == "holder_binding")
    assert hb["outcome"] == "failed"
    env = _share(issuer, holder)
    env["nonce"] = secrets.token_urlsafe(16)  # the envelope nonce differs from the KB-JWT's
    assert _scan(client, text=_by_value(env))["verdict"] == "rejected"


def test_share_by_reference_over_http(live: Any, app_factory: Any, issuer: Any, holder: Any) -> None:
    """The verifier fetches the envelope from a (wallet) URL through the Fetcher."""
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    from tests.verifier.conftest import free_port, serve

    env = _share(issuer, holder)
    wallet = FastAPI()

    @wallet.get("/share/{sid}")
    def share(sid: str) -> JSONResponse:
        if sid != env["share_id"]:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse(env)

    port = free_port()
    srv = serve(wallet, port)
    try:
        client = TestClient(app_factory(), raise_server_exceptions=False)
        res = _scan(client, text=f"http://127.0.0.1:{port}/share/{env['share_id']}")
        assert res["verdict"] == "accepted", res["reasons"]
        res = _scan(client, text=f"http://127.0.0.1:{port}/share/{'x' * 22}")
        assert res["verdict"] == "rejected" and _codes(res)[0].startswith("fetch.")
        # outside development mode loopback is refused by the URL policy
        prod = TestClient(app_factory(dev=False, public_url="https://verifier.example"),
                          raise_server_exceptions=False, base_url="https://testserver")
        sign_in(prod)  # outside development mode the pages are for signed-in staff
        res = _scan(prod, text=f"http://127.0.0.1:{port}/share/{env['share_id']}")
        assert res["verdict"] == "rejected" and _codes(res)[0].startswith("fetch.")
    finally:
        srv.server.should_exit = True


def test_qr_images(client: TestClient, issuer: Any, holder: Any) -> None:
    import io

    import qrcode

    env = _share(issuer, holder)
    assert len(_by_value(env)) < 2900  # fits one QR code
    img = qrcode.make(_by_value(env))
    if True:
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        r = client.post("/scan", files={"image": ("qr.png", buf.getvalue(), "image/png")},
                        follow_redirects=False)
        assert r.status_code == 303
        assert client.get(r.headers["location"] + ".json").json()["result"]["verdict"] == "accepted"
    # unreadable images: never a 500, a precise reason
    from PIL import Image

    blank = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(blank, format="PNG")
    for data, code in ((b"not an image at all", "qr.image_unreadable"),
                       (blank.getvalue(), "qr.not_found")):
        r = client.post("/scan", files={"image": ("x.png", data, "image/png")},
                        headers={"accept": "text/html"})
        assert r.status_code == 422 and code in r.text
    r = client.post("/scan", data={"text": ""}, headers={"accept": "text/html"})
    assert r.status_code == 422 and "share.empty" in r.text


@pytest.mark.parametrize(("text", "code"), [
    ("openid4vp://?client_id=x&request_uri=https://a.example/r", "share.wrong_qr"),
    ("rotonde-share:!!!", "encoding"),
    ("rotonde-share:" + b64url_encode(b'{"type":"rotonde-share","version":2}'), "share.unsupported_version"),
    ("rotonde-share:" + b64url_encode(b"[1,2]"), "share.malformed"),
    ('{"type": "VerifiablePresentation"}', "share.holder_binding_missing"),
    ("hello", "share.unrecognised"),
    ("https://wallet.example/share/short", "share.malformed"),
])
def test_garbage_share_texts(client: TestClient, text: str, code: str) -> None:
    res = _scan(client, text=text)
    assert res["verdict"] == "rejected"
    assert _codes(res)[0].startswith(code) or code in _codes(res)[0], _codes(res)


@settings(max_examples=examples(40), deadline=None)
@given(st.text(max_size=300) | st.builds(lambda b: "rotonde-share:" + b64url_encode(b), st.binary(max_size=200)))
def test_parse_share_text_never_crashes(text: str) -> None:
    class NoFetch:
        def get_json(self, *a: Any, **k: Any) -> Any:
            raise RotondeError("fetch.disabled", "no network in this test")

    class Ctx:
        fetcher = NoFetch()

    try:
        parse_share_text(Ctx(), text)  # type: ignore[arg-type]
    except RotondeError as exc:
        assert exc.code


def test_share_via_json_api(client: TestClient, issuer: Any, holder: Any) -> None:
    env = _share(issuer, holder)
    r = client.post("/api/shares", json={"text": _by_value(env), "min_level": 5})
    assert r.status_code == 201
    body = r.json()
    assert body["kind"] == "share" and body["verdict"] == "rejected"  # level 4 < 5
    assert body["result"]["reasons"][0]["code"] == "requirement.level"
    r = client.post("/api/shares", json={"text": "x" * 10})
    assert r.status_code == 201 and r.json()["verdict"] == "rejected"
    assert client.post("/api/shares", json={}).status_code == 422
