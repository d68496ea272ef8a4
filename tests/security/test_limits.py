"""Limits and abuse: body caps (413 before parsing), JSON depth, upload caps, core caps on
disclosures / presentations, rate limits that hold across workers, PIN and password lockout."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotonde.clock import FixedClock
from rotonde.errors import ParseError
from tests.conftest import examples
from tests.security._apps import issuer_app, verifier_app, wallet_app, wallet_login

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CAP = 64 * 1024  # a small body cap for the tests (settings.max_body_bytes)


def _problem(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers
    body = r.json()
    assert body["status"] == status and body["type"] and body["title"]
    if code is not None:
        assert body["code"] == code, body
    return dict(body)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[dict[str, Any]]:
    iss = issuer_app(tmp_path / "i", max_body_bytes=CAP)
    vapp, vclient = verifier_app(tmp_path / "v", max_body_bytes=CAP)
    wapp, wclient = wallet_app(tmp_path / "w", max_body_bytes=CAP)
    yield {"issuer": (iss.client, "/api/v1/achievements"),
           "verifier": (vclient, "/api/requests"),
           "wallet": (wclient, "/login")}
    iss.ctx.db.dispose()
    vapp.state.verifier.db.dispose()
    wapp.state.wallet.db.dispose()


# -- body size cap ----------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["issuer", "verifier", "wallet"])
def test_declared_oversized_body_gets_413_before_the_app(services: dict[str, Any],
                                                          service: str) -> None:
    client, path = services[service]
    big = b"{" + b" " * (CAP * 4) + b"}"
    # no credentials and no CSRF token: a 413 (not 401/403) shows nothing ran before the cap
    r = client.post(path, content=big, headers={"content-type": "application/json",
                                                "authorization": ""})
    body = _problem(r, 413, "request.too_large")
    assert str(CAP) in body["detail"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


@pytest.mark.parametrize("service", ["issuer", "verifier", "wallet"])
def test_streamed_oversized_body_is_cut_off(services: dict[str, Any], service: str) -> None:
    client, path = services[service]

    def chunks() -> Iterator[bytes]:
        for _ in range(16):
            yield b"a" * (CAP // 4)

    # the wallet's forms are urlencoded (FastAPI only reads a body of the declared kind)
    ctype = "application/x-www-form-urlencoded" if service == "wallet" else "application/json"
    r = client.post(path, content=chunks(), headers={"content-type": ctype})
    _problem(r, 413, "request.too_large")


@pytest.mark.parametrize("service", ["issuer", "verifier", "wallet"])
def test_body_just_under_the_cap_is_parsed(services: dict[str, Any], service: str) -> None:
    client, path = services[service]
    r = client.post(path, content=b"x" * (CAP - 1), headers={"content-type": "application/json"})
    assert r.status_code not in (413, 500)


def test_bad_content_length_is_400(services: dict[str, Any]) -> None:
    client, path = services["issuer"]
    r = client.post(path, content=b"{}", headers={"content-length": "nope",
                                                  "content-type": "application/json"})
    _problem(r, 400, "request.bad_length")


# -- JSON depth ------------------------------------------------------------------------------


def _deep(depth: int, kind: str) -> bytes:
    if kind == "array":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


@pytest.mark.parametrize("kind", ["array", "object"])
def test_deeply_nested_json_is_refused_not_crashing(tmp_path: Path, kind: str) -> None:
    iss = issuer_app(tmp_path / "i")
    vapp, vclient = verifier_app(tmp_path / "v")
    body = _deep(20_000, kind)  # ~100-120 kB: under the 1 MiB cap, far past any depth cap
    targets = [
        (iss.client, "/api/v1/achievements"), (iss.client, "/api/v1/credentials"),
        (iss.client, "/api/v1/batches"), (iss.client, "/vc-api/credentials/issue"),
        (iss.client, "/vc-api/credentials/status"), (iss.client, "/tenants/roc/credential"),
        (vclient, "/api/requests"), (vclient, "/api/shares"),
        (vclient, "/vc-api/credentials/verify"), (vclient, "/vc-api/presentations/verify"),
    ]
    for client, path in targets:
        r = client.post(path, content=body, headers={"content-type": "application/json"})
        assert 400 <= r.status_code < 500, (path, r.status_code, r.text[:200])
        data = r.json()
        assert "code" in data or "error" in data, (path, data)
    iss.ctx.db.dispose()
    vapp.state.verifier.db.dispose()


# -- upload caps -----------------------------------------------------------------------------


def test_wallet_uploads_are_capped(tmp_path: Path) -> None:
    limit = 32 * 1024
    app, client = wallet_app(tmp_path, max_upload_bytes=limit)
    csrf = wallet_login(client)
    too_big = b"\x89PNG" + b"\0" * limit
    r = client.post("/receive", data={"csrf": csrf},
                    files={"image": ("qr.png", too_big, "image/png")})
    assert r.status_code == 413, r.status_code
    r = client.post("/backup/import", data={"csrf": csrf, "passphrase": "x" * 12},
                    files={"file": ("wallet.backup", too_big, "application/octet-stream")})
    assert r.status_code == 413, r.status_code
    # past the transport cap (upload + 256 KiB) the middleware answers before parsing
    r = client.post("/backup/import", data={"csrf": csrf},
                    files={"file": ("w.backup", b"\0" * (1024 * 1024 + 300 * 1024), "x/y")})
    _problem(r, 413, "request.too_large")
    app.state.wallet.db.dispose()


def test_verifier_scan_upload_is_capped(tmp_path: Path) -> None:
    limit = 32 * 1024
    app, client = verifier_app(tmp_path, max_upload_bytes=limit)
    r = client.post("/scan", files={"image": ("qr.png", b"\x89PNG" + b"\0" * limit,
                                              "image/png")}, headers={"accept": "text/html"})
    assert 400 <= r.status_code < 500, r.status_code
    r = client.post("/scan", files={"image": ("qr.png", b"\0" * (limit + 128 * 1024),
                                              "image/png")})
    _problem(r, 413, "request.too_large")
    app.state.verifier.db.dispose()


# -- core caps -------------------------------------------------------------------------------


def test_sdjwt_disclosure_count_is_capped() -> None:
    from rotonde.sdjwt import parse
    from rotonde.sdjwt.disclosure import make_disclosure
    from rotonde.sdjwt.parse import MAX_DISCLOSURES

    items = [make_disclosure(f"s{i}", f"c{i}", i).encoded for i in range(MAX_DISCLOSURES + 1)]
    token = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln~" + "~".join(items) + "~"
    with pytest.raises(ParseError) as err:
        parse(token, max_bytes=10 * 1024 * 1024)
    assert err.value.code == "sdjwt.too_many_disclosures"


def test_presentation_credential_count_is_capped() -> None:
    from rotonde.presentation import MAX_CREDENTIALS, validate_presentation

    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"],
          "type": ["VerifiablePresentation"],
          "verifiableCredential": [{"type": ["VerifiableCredential"]}] * (MAX_CREDENTIALS + 1)}
    codes = [p.code for p in validate_presentation(vp)]
    assert "vp.too_many_credentials" in codes


def test_vp_token_presentation_count_is_capped() -> None:
    from rotonde.errors import RotondeError
    from rotonde.oid4vp.response import MAX_PRESENTATIONS, parse_vp_token

    with pytest.raises(RotondeError) as err:
        parse_vp_token(json.dumps({"q": ["x~"] * (MAX_PRESENTATIONS + 1)}))
    assert err.value.code == "oid4vp.vp_token_too_large"


@settings(max_examples=examples(25), deadline=None)
@given(st.integers(min_value=0, max_value=40))
def test_disclosure_cap_never_crashes_below_it(n: int) -> None:
    from rotonde.sdjwt import parse

    token = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln~" + "~".join(["WyJhIiwiYiIsMV0"] * n) + "~"
    try:
        parse(token)
    except ParseError as exc:  # duplicate disclosures, bad JWS: precise, never a crash
        assert exc.code.startswith(("sdjwt.", "jws.", "json.", "encoding."))
    except Exception as exc:  # pragma: no cover - the assertion message names it
        pytest.fail(f"unexpected {exc!r}")


# -- rate limits (database-backed: hold across workers) --------------------------------------


def _offer_parts(iss: Any, offer_uri: str) -> tuple[str, str]:
    ref = unquote(parse_qs(urlsplit(offer_uri).query)["credential_offer_uri"][0])
    doc = iss.client.get(urlsplit(ref).path).json()
    grant = doc["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    return doc["credential_issuer"], grant["pre-authorized_code"]


def test_issuer_token_endpoint_rate_limit_holds_across_workers(tmp_path: Path) -> None:
    # One clock in the middle of a window: a fixed window must not roll over mid-test.
    clock = FixedClock(1_800_000_030.0)
    first = issuer_app(tmp_path, rate_limit=6, clock=clock)
    second = issuer_app(tmp_path, rate_limit=6, tenant=False, clock=clock)  # a second worker, same database
    path = "/tenants/roc/token"
    form = {"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": "nope", "tx_code": "000000"}
    statuses = []
    for i in range(8):
        worker = first if i % 2 == 0 else second
        r = worker.client.post(path, data=form, headers={"authorization": ""})
        statuses.append(r.status_code)
    assert statuses[:6] == [400] * 6, statuses
    assert statuses[6:] == [429, 429], statuses
    assert r.json()["error"] == "slow_down"
    assert int(r.headers["retry-after"]) >= 1
    assert r.headers["cache-control"] == "no-store"
    first.ctx.db.dispose()
    second.ctx.db.dispose()


def test_issuer_credential_endpoint_is_rate_limited(tmp_path: Path) -> None:
    iss = issuer_app(tmp_path, rate_limit=3)
    statuses = [iss.client.post("/tenants/roc/credential", json={},
                                headers={"authorization": "Bearer bad"}).status_code
                for _ in range(5)]
    assert statuses[:3] == [401, 401, 401], statuses
    assert statuses[3:] == [429, 429], statuses
    iss.ctx.db.dispose()


def test_issuer_pin_brute_force_burns_the_code(tmp_path: Path) -> None:
    iss = issuer_app(tmp_path, tx_code_attempts=3)
    issued = iss.issue()
    _, code = _offer_parts(iss, issued["offer"]["offer_uri"])
    pin = issued["offer"]["tx_code"]
    wrong = "1" * len(pin) if pin != "1" * len(pin) else "2" * len(pin)
    grant = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
    for _ in range(3):
        r = iss.client.post("/tenants/roc/token", data={
            "grant_type": grant, "pre-authorized_code": code, "tx_code": wrong})
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    r = iss.client.post("/tenants/roc/token", data={
        "grant_type": grant, "pre-authorized_code": code, "tx_code": pin})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
    iss.ctx.db.dispose()


def test_verifier_response_endpoint_rate_limit_holds_across_workers(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from tests.verifier._support import make_app

    one = make_app(tmp_path, rate_limit=4)
    two = make_app(tmp_path, rate_limit=4)  # same data dir: same database and KEK
    clients = [TestClient(one, raise_server_exceptions=False),
               TestClient(two, raise_server_exceptions=False)]
    statuses = [clients[i % 2].post("/oid4vp/response",
                                    data={"state": "x", "vp_token": "{}"}).status_code
                for i in range(6)]
    assert all(s == 400 for s in statuses[:4]), statuses
    assert statuses[4:] == [429, 429], statuses
    one.state.verifier.db.dispose()
    two.state.verifier.db.dispose()


def test_wallet_password_brute_force_is_locked_out(tmp_path: Path) -> None:
    from tests.wallet.wallet_helpers import PASSWORD, csrf_of

    app, client = wallet_app(tmp_path, login_max_failures=3)
    wallet_login(client)
    client.post("/logout", data={"csrf": csrf_of(client.get("/account").text)})
    client.cookies.clear()
    statuses = []
    for _ in range(4):
        token = csrf_of(client.get("/login").text)
        statuses.append(client.post("/login", data={"username": "anouk", "password": "wrong!!",
                                                    "csrf": token}).status_code)
    assert statuses[:3] == [401, 401, 401] and statuses[3] == 429, statuses
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": "anouk", "password": PASSWORD, "csrf": token},
                    follow_redirects=False)
    assert r.status_code == 429, "the right password must not get in during the lockout"
    app.state.wallet.db.dispose()


@pytest.mark.system
def test_wallet_pin_brute_force_is_locked_out(tmp_path: Path) -> None:
    import re

    from tests.wallet.wallet_helpers import Learner, csrf_of, text_of
    from tests.wallet.wallet_peers import issuer_peer
    from wallet.routes.receive import PIN_ATTEMPTS

    app, client = wallet_app(tmp_path / "w")
    wallet_login(client)
    learner = Learner(client)
    with issuer_peer(tmp_path / "i") as peer:
        offer = peer.offer()["offer"]
        pin = offer["tx_code"]
        wrong = "1" * len(pin) if pin != "1" * len(pin) else "2" * len(pin)
        page = learner.start_receive(offer["offer_uri"])
        assert page.status_code == 200, text_of(page.text)
        flow = re.search(r'action="/receive/([^"]+)"', page.text)
        assert flow
        statuses = []
        for _ in range(PIN_ATTEMPTS):
            r = client.post(f"/receive/{flow.group(1)}", data={
                "csrf": csrf_of(page.text), "action": "accept", "tx_code": wrong})
            statuses.append(r.status_code)
        assert statuses[:-1] == [400] * (PIN_ATTEMPTS - 1) and statuses[-1] == 429, statuses
        # the flow is gone: even the right PIN gets nowhere now
        r = client.post(f"/receive/{flow.group(1)}", data={
            "csrf": csrf_of(page.text), "action": "accept", "tx_code": pin})
        assert r.status_code == 410, r.status_code
    assert learner.credential_ids() == []
    app.state.wallet.db.dispose()
