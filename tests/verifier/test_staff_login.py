"""Staff sign-in for the employer pages (outside development mode, or with ``staff_login``).

Pages redirect to /login; what wallets and HR systems use stays reachable; sign-in sets a
HttpOnly, Secure, SameSite=Lax session cookie; forms need the session's CSRF token; wrong
passwords are throttled per name and address; signing out ends the session everywhere; the
``next`` parameter never leads off site; development mode keeps the pages open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.ops._live import rotonde
from tests.verifier._support import STAFF_PASSWORD, make_app, page_csrf, sign_in

PAGES = ("/", "/scan", "/trust", "/requests/unknown", "/results/unknown",
         "/results/unknown.json", "/requests/unknown/status")


@pytest.fixture
def prod(tmp_path: Path) -> TestClient:
    app = make_app(tmp_path, dev=False, public_url="https://verifier.example",
                   api_keys=("hr-system-key-0123456789",))
    return TestClient(app, base_url="https://testserver", raise_server_exceptions=False)


def _login(client: TestClient, password: str, name: str = "hr-anna",
           next_url: str = "/") -> Any:
    return client.post("/login", data={"username": name, "password": password,
                                       "csrf": page_csrf(client, "/login"), "next": next_url},
                       follow_redirects=False)


@pytest.mark.parametrize("path", PAGES)
def test_pages_redirect_to_sign_in(prod: TestClient, path: str) -> None:
    r = prod.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")


def test_posting_a_form_without_a_session_changes_nothing(prod: TestClient) -> None:
    for path in ("/requests", "/scan"):
        r = prod.post(path, data={"template": "achievement", "text": "x"},
                      follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_wallet_and_api_paths_stay_reachable(prod: TestClient) -> None:
    assert prod.get("/.well-known/did.json").status_code == 200
    assert prod.get("/healthz").status_code == 200
    assert prod.get("/oid4vp/request/unknown").status_code == 404  # not a redirect
    assert prod.post("/api/requests", json={}).status_code == 401  # API keys, no redirect
    r = prod.post("/api/requests", json={"template": "achievement"},
                  headers={"Authorization": "Bearer hr-system-key-0123456789"})
    assert r.status_code == 201, r.text
    request_object = prod.get(f"/oid4vp/request/{r.json()['id']}")  # what a wallet fetches
    assert request_object.status_code == 200, request_object.text


def test_sign_in_use_the_pages_and_sign_out(prod: TestClient) -> None:
    sign_in(prod)
    cookie = next(c for c in prod.cookies.jar if c.name == "verifier_session")
    assert cookie.secure and cookie.has_nonstandard_attr("HttpOnly")
    page = prod.get("/")
    assert page.status_code == 200 and "hr-anna" in page.text
    csrf = page_csrf(prod, "/")
    assert prod.post("/requests", data={"template": "achievement"},
                     follow_redirects=False).status_code == 403  # no CSRF token
    made = prod.post("/requests", data={"template": "achievement", "csrf": csrf},
                     follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/requests/")
    assert prod.get(made.headers["location"]).status_code == 200

    stolen = cookie.value
    out = prod.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    prod.cookies.set("verifier_session", stolen, domain=cookie.domain)
    assert prod.get("/", follow_redirects=False).status_code == 303  # the session is gone


def test_wrong_passwords_are_refused_then_throttled(prod: TestClient) -> None:
    sign_in(prod)
    prod.cookies.clear()
    wrong = _login(prod, "not the password at all")
    assert wrong.status_code == 401 and "verifier_session" not in wrong.cookies
    assert "klopt niet" in wrong.text or "not right" in wrong.text
    for _ in range(4):
        assert _login(prod, "not the password at all").status_code == 401
    limited = _login(prod, STAFF_PASSWORD)  # even the right password, for a while
    assert limited.status_code == 429


def test_unknown_names_fail_like_wrong_passwords(prod: TestClient) -> None:
    r = _login(prod, STAFF_PASSWORD, name="nobody-here")
    assert r.status_code == 401


def test_sign_in_form_needs_its_token(prod: TestClient) -> None:
    sign_in(prod)
    prod.cookies.clear()
    r = prod.post("/login", data={"username": "hr-anna", "password": STAFF_PASSWORD,
                                  "csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_next_never_leaves_the_site(prod: TestClient, target: str) -> None:
    sign_in(prod)
    prod.cookies.delete("verifier_session")
    r = _login(prod, STAFF_PASSWORD, next_url=target)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_next_returns_to_the_page_asked_for(prod: TestClient) -> None:
    r = prod.get("/trust?lang=en", follow_redirects=False)
    nxt = r.headers["location"].split("next=", 1)[1]
    sign_in(prod)
    prod.cookies.delete("verifier_session")
    from urllib.parse import unquote

    back = _login(prod, STAFF_PASSWORD, next_url=unquote(nxt))
    assert back.headers["location"] == "/trust?lang=en"


def test_development_mode_keeps_the_pages_open_unless_asked(tmp_path: Path) -> None:
    open_client = TestClient(make_app(tmp_path / "a"), raise_server_exceptions=False)
    assert open_client.get("/").status_code == 200
    assert open_client.get("/login", follow_redirects=False).status_code == 303
    closed = TestClient(make_app(tmp_path / "b", staff_login=True),
                        raise_server_exceptions=False)
    assert closed.get("/", follow_redirects=False).status_code == 303
    sign_in(closed)  # over http in development mode
    assert closed.get("/").status_code == 200


@pytest.mark.system
def test_staff_commands(tmp_path: Path) -> None:
    env = {"ROTONDE_VERIFIER_DATA_DIR": str(tmp_path), "ROTONDE_VERIFIER_DEV": "1"}
    pw = tmp_path / "pw"
    pw.write_text("a long enough password\n")
    assert rotonde("verifier", "staff", "add", "--name", "HR-Bram", "--password-file", str(pw),
                   env=env) == {"staff": "hr-bram", "added": True}
    app = make_app(tmp_path, staff_login=True)
    client = TestClient(app, raise_server_exceptions=False)
    assert _login(client, "a long enough password", name="hr-bram").status_code == 303
    assert rotonde("verifier", "staff", "remove", "--name", "hr-bram", env=env) == {
        "staff": "hr-bram", "removed": True}
    assert client.get("/", follow_redirects=False).status_code == 303  # its session ended


def test_every_staff_form_refuses_a_missing_or_wrong_token(prod: TestClient) -> None:
    sign_in(prod)
    posts = sorted(path for path, methods in _routes(prod.app.routes)  # type: ignore[attr-defined]
                   if "POST" in methods and not path.startswith(
                       ("/api/", "/vc-api/", "/oid4vp/", "/login")))
    assert posts == ["/logout", "/requests", "/scan"]
    for path in posts:
        for token in (None, "wrong"):
            data = {"template": "achievement", "text": "rotonde-share:x"}
            if token is not None:
                data["csrf"] = token
            r = prod.post(path, data=data, follow_redirects=False)
            assert r.status_code == 403, (path, token, r.status_code)
    assert prod.get("/").status_code == 200  # still signed in: nothing happened


def _routes(routes: Any) -> list[tuple[str, set[str]]]:
    """``(path, methods)`` of every route, included routers flattened."""
    out: list[tuple[str, set[str]]] = []
    for route in routes:
        if getattr(route, "path", None) and getattr(route, "methods", None):
            out.append((route.path, set(route.methods)))
        elif getattr(route, "original_router", None) is not None:  # an included router
            out.extend(_routes(route.original_router.routes))
    return out
