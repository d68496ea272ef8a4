"""Web hardening of the three services: security headers on every HTML page (CSP without
'unsafe-inline' for scripts, frame-ancestors 'none', nosniff, Referrer-Policy), HSTS over
https, no-store on sensitive pages, cookie flags, no inline script in any template, and CSRF on
every state-changing wallet form (enumerated from the app's routes)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.security._apps import IssuerApp, issuer_app, verifier_app, wallet_app, wallet_login
from tests.security._routes import http_routes

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "issuer" / "templates", ROOT / "verifier" / "templates",
                 ROOT / "wallet" / "templates"]


# -- helpers ---------------------------------------------------------------------------------


def _directives(csp: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


def assert_page_headers(r: Any, *, hsts: bool = False, where: str = "") -> None:
    label = f"{where} {r.request.method} {r.request.url.path} -> {r.status_code}"
    csp = r.headers.get("content-security-policy")
    assert csp, f"{label}: no CSP"
    d = _directives(csp)
    scripts = d.get("script-src", d.get("default-src"))
    assert scripts is not None, f"{label}: CSP without script-src/default-src"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, label
    assert d.get("frame-ancestors") == ["'none'"], f"{label}: {csp}"
    assert d.get("object-src") == ["'none'"], f"{label}: {csp}"
    assert r.headers.get("x-content-type-options") == "nosniff", label
    assert r.headers.get("referrer-policy") in ("no-referrer", "same-origin",
                                                "strict-origin-when-cross-origin"), label
    if hsts:
        value = r.headers.get("strict-transport-security", "")
        assert "max-age=" in value and int(value.split("max-age=")[1].split(";")[0]) >= 15552000
    else:
        assert "strict-transport-security" not in r.headers, f"{label}: HSTS over http"
    if "text/html" in r.headers.get("content-type", ""):
        assert_no_inline_script(r.text, label)


SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
HANDLER = re.compile(r"<[a-z][^>]*\s(on[a-z]+)\s*=", re.I)


def assert_no_inline_script(html: str, label: str) -> None:
    for attrs, body in SCRIPT.findall(html):
        if "src=" not in attrs.lower():
            assert "json" in attrs.lower() and "type=" in attrs.lower(), (
                f"{label}: inline <script>: {body[:80]!r}")
        else:
            assert not body.strip(), f"{label}: <script src> with a body"
    m = HANDLER.search(html)
    assert m is None, f"{label}: inline event handler {m.group(1) if m else ''}"
    assert "javascript:" not in html.lower(), f"{label}: javascript: URL"


def assert_no_store(r: Any, label: str = "") -> None:
    cc = r.headers.get("cache-control", "")
    assert "no-store" in cc, f"{label} {r.request.url.path}: Cache-Control {cc!r}"


# -- templates -------------------------------------------------------------------------------


def test_no_template_has_inline_script_or_handlers() -> None:
    files = [p for d in TEMPLATE_DIRS for p in d.rglob("*.html")]
    assert len(files) >= 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert_no_inline_script(text, str(path.relative_to(ROOT)))
        assert "|safe" not in text.replace(" ", "") or path.name in _SAFE_ALLOWED, (
            f"{path.name}: |safe outside the reviewed list")


#: Templates allowed to mark values safe: server-generated SVG QR codes only.
_SAFE_ALLOWED = {"request.html", "share_show.html"}


# -- the pages of each service ---------------------------------------------------------------


@dataclass
class Services:
    issuer: IssuerApp
    offer_page: str
    verifier: TestClient
    verifier_app: Any
    wallet: TestClient
    wallet_app: Any
    https: bool


def _build(tmp: Path, https: bool) -> Services:
    base = "https://{}.example" if https else "http://testserver"
    iss = issuer_app(tmp / "i", public_url=base.format("issuer"))
    issued = iss.issue()
    offer_page = issued["offer"].get("offer_page")
    assert offer_page, issued["offer"]
    vapp, vclient = verifier_app(tmp / "v", public_url=base.format("verifier"))
    if https:
        vclient = TestClient(vapp, base_url="https://verifier.example",
                             raise_server_exceptions=False)
    wapp, wclient = wallet_app(tmp / "w", public_url=base.format("wallet"))
    return Services(iss, str(offer_page), vclient, vapp, wclient, wapp, https)


@pytest.fixture(params=[False, True], ids=["http", "https"])
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    s = _build(tmp_path, request.param)
    yield s
    s.issuer.ctx.db.dispose()
    s.verifier_app.state.verifier.db.dispose()
    s.wallet_app.state.wallet.db.dispose()


def _get_paths(app: Any) -> list[str]:
    return sorted({p for p, m in http_routes(app) if "GET" in m})


def test_issuer_offer_page(services: Services) -> None:
    from urllib.parse import urlsplit

    r = services.issuer.client.get(urlsplit(services.offer_page).path,
                                   headers={"authorization": ""})
    assert r.status_code == 200, r.text[:200]
    assert_page_headers(r, hsts=services.https, where="issuer")
    assert_no_store(r, "issuer offer page (shows the PIN)")
    for path in ("/", "/tenants/roc/offer/unknown", "/openapi.json", "/healthz", "/docs",
                 "/redoc"):
        assert_page_headers(services.issuer.client.get(path), hsts=services.https)
    landing = services.issuer.client.get("/", headers={"accept": "text/html",
                                                       "authorization": ""})
    assert landing.status_code == 200 and "text/html" in landing.headers["content-type"]
    assert_page_headers(landing, hsts=services.https, where="issuer landing page")


def test_issuer_token_and_credential_responses_are_not_cached(services: Services) -> None:
    iss = services.issuer
    r = iss.client.post("/tenants/roc/token", data={"grant_type": "x"})
    assert_no_store(r, "token error")
    r = iss.client.post("/tenants/roc/nonce")
    assert r.status_code == 200 and "no-store" in r.headers["cache-control"]
    r = iss.client.post("/tenants/roc/credential", json={}, headers={"authorization": "Bearer x"})
    assert_no_store(r, "credential error")


def test_verifier_pages(services: Services) -> None:
    c = services.verifier
    html = {"accept": "text/html"}
    paths = [p for p in _get_paths(services.verifier_app) if "{" not in p]
    assert {"/", "/scan", "/trust"} <= set(paths)
    for path in paths:
        assert_page_headers(c.get(path, headers=html), hsts=services.https, where="verifier")
    created = c.post("/requests", data={"template": "achievement"}, follow_redirects=False)
    assert created.status_code == 303, created.text[:300]
    page = c.get(created.headers["location"], headers=html)
    assert page.status_code == 200
    assert_page_headers(page, hsts=services.https, where="verifier request")
    assert_no_store(page, "verifier request page")
    sid = created.headers["location"].rsplit("/", 1)[-1]
    for path in (f"/results/{sid}", f"/results/{sid}.json", "/results/nope", "/nope"):
        r = c.get(path, headers=html)
        assert_page_headers(r, hsts=services.https, where="verifier")
        assert_no_store(r, "verifier result")
    r = c.get("/?lang=en", headers=html)
    cookie = r.headers.get("set-cookie", "")
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert ("Secure" in cookie) == services.https, cookie


def test_wallet_pages_before_and_after_login(services: Services) -> None:
    c = services.wallet
    r = c.get("/login")
    assert_page_headers(r, hsts=services.https, where="wallet")
    pre = r.headers.get("set-cookie", "")
    assert "HttpOnly" in pre and "samesite=lax" in pre.lower(), pre
    assert ("Secure" in pre) == services.https, pre
    from tests.wallet.wallet_helpers import PASSWORD, csrf_of

    token = csrf_of(r.text)
    r = c.post("/signup", data={"username": "anouk", "password": PASSWORD, "csrf": token},
               follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    session = [v for k, v in r.headers.multi_items()
               if k == "set-cookie" and v.startswith("wallet_session=")]
    assert session, r.headers
    for value in session:
        assert "HttpOnly" in value and "samesite=lax" in value.lower(), value
        assert ("Secure" in value) == services.https, value
    if services.https:  # TestClient keeps Secure cookies only for https base URLs
        c.base_url = c.base_url.copy_with(scheme="https")  # type: ignore[misc]
    seen = 0
    for path in _get_paths(services.wallet_app):
        if "{" in path or path.startswith(("/api/", "/static")):
            continue
        r = c.get(path)
        assert r.status_code < 500, (path, r.status_code)
        assert_page_headers(r, hsts=services.https, where="wallet (logged in)")
        if r.status_code == 200 and "text/html" in r.headers.get("content-type", ""):
            assert_no_store(r, "wallet page after login")
            seen += 1
    assert seen >= 8, seen


# -- CSRF on every state-changing wallet form ------------------------------------------------


def _post_routes(app: Any) -> list[str]:
    return sorted({p for p, m in http_routes(app) if "POST" in m})


def test_every_wallet_post_route_refuses_a_missing_or_wrong_csrf_token(tmp_path: Path) -> None:
    app, client = wallet_app(tmp_path)
    good = wallet_login(client)
    routes = _post_routes(app)
    assert len(routes) >= 12, routes
    fill = {"credential_id": "c1", "flow_id": "f1", "key": "k1"}
    checked = []
    for path in routes:
        url = path.format(**{k: v for k, v in fill.items() if "{" + k + "}" in path})
        for token in (None, "", "wrong-" + good[6:], good + "x"):
            data = {"username": "anouk", "password": "x" * 12, "passphrase": "x" * 12,
                    "offer": "x", "credential": "c1", "claim": "name", "tx_code": "123456"}
            if token is not None:
                data["csrf"] = token
            r = client.post(url, data=data, follow_redirects=False)
            assert r.status_code == 403, (path, token, r.status_code, r.text[:200])
            assert "error.csrf" in r.text or "CSRF" in r.text or r.status_code == 403
        checked.append(path)
    # still logged in and nothing changed: the account page works and lists no credentials
    assert client.get("/account").status_code == 200
    assert set(checked) == set(routes)
    app.state.wallet.db.dispose()
