"""Accounts, sessions, CSRF, rate limiting, language and security headers of the wallet."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from servicekit.i18n import messages_of, negotiate
from tests.wallet.wallet_helpers import PASSWORD, Learner, csrf_of, make_settings, text_of
from wallet.app import create_app
from wallet.i18n import CATALOGUE, LANGS
from wallet.models import Account, HolderKey, WebSession


def test_signup_logs_in_and_creates_two_holder_keys(client: TestClient) -> None:
    person = Learner(client)
    r = person.signup()
    assert r.status_code == 200
    assert "Mijn bewijzen" in r.text or "My credentials" in r.text
    db = client.app.state.wallet.db  # type: ignore[attr-defined]
    with db.session() as s:
        account = s.scalar(select(Account))
        assert account is not None and account.username == "anouk"
        assert account.password_hash.startswith("$argon2id$")
        algs = sorted(k.alg for k in s.scalars(select(HolderKey)))
        assert algs == ["ES256", "EdDSA"]
        secret = s.scalar(select(HolderKey.secret))
        assert secret is not None and '{' not in secret and '"' not in secret  # sealed, not JSON


def test_session_cookie_flags(client: TestClient) -> None:
    token = csrf_of(client.get("/signup").text)
    r = client.post("/signup", data={"username": "bram", "password": PASSWORD, "csrf": token},
                    follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "wallet_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # served over plain http in this test


def test_secure_cookie_behind_tls(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, public_url="https://wallet.example"))
    with TestClient(app, base_url="https://wallet.example") as c:
        token = csrf_of(c.get("/signup").text)
        r = c.post("/signup", data={"username": "cem", "password": PASSWORD, "csrf": token},
                   follow_redirects=False)
        assert "secure" in r.headers["set-cookie"].lower()
        assert "strict-transport-security" in r.headers


def test_duplicate_name_and_short_password_are_refused(learner: Learner) -> None:
    c = learner.client
    c.post("/logout", data={"csrf": learner.csrf("/")})
    r = learner.signup("anouk")
    assert r.status_code == 422 and ("al in gebruik" in r.text or "already in use" in r.text)
    r = learner.signup("someone-else", "short")
    assert r.status_code == 422 and ("10 tekens" in r.text or "10 characters" in r.text)


def test_forms_without_csrf_are_refused(learner: Learner) -> None:
    r = learner.client.post("/logout", data={"csrf": "forged"})
    assert r.status_code == 403
    assert learner.client.get("/").status_code == 200  # still logged in
    fresh = TestClient(learner.client.app)
    r = fresh.post("/login", data={"username": "anouk", "password": PASSWORD})
    assert r.status_code == 403


def test_login_wrong_password_then_right(learner: Learner) -> None:
    c = learner.client
    c.post("/logout", data={"csrf": learner.csrf("/")})
    assert c.get("/", follow_redirects=False).headers["location"].startswith("/login")
    r = learner.login("anouk", "wrong password!")
    assert r.status_code == 401
    assert "klopt niet" in r.text or "not right" in r.text
    r = learner.login("anouk", PASSWORD)
    assert r.status_code == 200 and "/logout" in r.text


def test_login_is_rate_limited(learner: Learner) -> None:
    c = learner.client
    c.post("/logout", data={"csrf": learner.csrf("/")})
    for _ in range(5):
        assert learner.login("anouk", "guess guess guess").status_code == 401
    r = learner.login("anouk", PASSWORD)  # even the right password is refused now
    assert r.status_code == 429
    assert "kwartier" in r.text or "quarter of an hour" in r.text


def test_next_parameter_cannot_redirect_off_site(client: TestClient) -> None:
    person = Learner(client)
    token = csrf_of(client.get("/signup").text)
    r = client.post("/signup", data={"username": "dana", "password": PASSWORD, "csrf": token,
                                     "next": "//evil.example/x"}, follow_redirects=False)
    assert r.headers["location"] == "/"
    assert person.client.get("/login?next=https://evil.example", follow_redirects=False
                             ).headers["location"] == "/"


def test_logout_deletes_the_server_side_session(learner: Learner) -> None:
    db = learner.client.app.state.wallet.db  # type: ignore[attr-defined]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == 1
    learner.client.post("/logout", data={"csrf": learner.csrf("/")})
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == 0


def test_delete_account_needs_password_and_removes_everything(learner: Learner) -> None:
    c = learner.client
    r = c.post("/account/delete", data={"csrf": learner.csrf("/account"), "password": "nope"})
    assert r.status_code == 403
    r = c.post("/account/delete", data={"csrf": learner.csrf("/account"), "password": PASSWORD})
    assert r.status_code == 200
    assert "verwijderd" in r.text or "deleted" in r.text
    db = c.app.state.wallet.db  # type: ignore[attr-defined]
    with db.session() as s:
        for model in (Account, HolderKey, WebSession):
            assert s.scalar(select(func.count()).select_from(model)) == 0
    assert c.get("/", follow_redirects=False).status_code == 303


def test_language_from_header_cookie_switch(client: TestClient) -> None:
    r = client.get("/login", headers={"accept-language": "en-GB,en;q=0.9,nl;q=0.5"})
    assert '<html lang="en">' in r.text and "Log in" in r.text
    r = client.get("/login", headers={"accept-language": "nl-NL"})
    assert '<html lang="nl">' in r.text and "Inloggen" in r.text
    r = client.get("/lang/en?next=/login", follow_redirects=False)
    assert r.status_code == 303 and "lang=en" in r.headers["set-cookie"]
    client.cookies.set("lang", "en")
    r = client.get("/login", headers={"accept-language": "nl"})
    assert '<html lang="en">' in r.text
    assert 'href="/lang/nl?next=' in r.text


def test_every_page_has_security_headers_and_no_inline_script(learner: Learner) -> None:
    for path in ("/", "/receive", "/present", "/passport", "/progress", "/history", "/backup",
                 "/account", "/self-assessment", "/share"):
        r = learner.client.get(path)
        assert r.status_code == 200, path
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY"
        assert "<script>" not in r.text and "style=" not in r.text and "onclick" not in r.text
        for label_for in __import__("re").findall(r'<input id="([^"]+)"', r.text):
            assert f'for="{label_for}"' in r.text, (path, label_for)


def test_unknown_page_is_a_friendly_404(learner: Learner) -> None:
    r = learner.client.get("/credentials/" + "0" * 32)
    assert r.status_code == 404
    assert "bestaat niet" in text_of(r.text) or "does not exist" in text_of(r.text)


def test_catalogue_has_both_languages() -> None:
    en, nl = messages_of(CATALOGUE, "en"), messages_of(CATALOGUE, "nl")
    assert en.keys() == nl.keys() and len(en) > 200
    for key in en:
        assert en[key] and nl[key], key


@given(st.one_of(st.none(), st.text(max_size=40)), st.one_of(st.none(), st.text(max_size=200)))
def test_language_negotiation_never_fails(cookie: str | None, header: str | None) -> None:
    assert negotiate(cookie, header) in LANGS


def test_every_message_key_used_in_templates_exists() -> None:
    import re
    from pathlib import Path

    import wallet

    root = Path(wallet.__file__).parent
    used: set[str] = set()
    for path in [*root.glob("templates/*.html"), *root.rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        used.update(re.findall(r"""(?<![\w.])[_t]\(\s*["']([a-z_]+\.[a-z0-9_.-]+)["']""", text))
        used.update(re.findall(r"""PageError\(\d+, "([a-z_]+\.[a-z0-9_.-]+)"\)""", text))
    missing = sorted(k for k in used if not CATALOGUE.knows("en", k) and not k.endswith("."))
    assert not missing, missing
    assert len(used) > 100


def test_healthz_needs_no_session(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    assert "set-cookie" not in r.headers
