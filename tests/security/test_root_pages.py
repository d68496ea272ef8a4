"""The root URL of every service is a product page, never an error (issue 14 item 7): the
issuer's landing page (``issuer/routes/landing.py``), the wallet's credential list (its sign-in
page before sign-in) and the verifier's ask page (its sign-in page when staff must sign in), in
Dutch and in English."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from issuer.flows.tenants import create_tenant
from issuer.routes.pages import CATALOGUE as ISSUER
from tests.security._apps import IssuerApp, issuer_app, verifier_app, wallet_app
from tests.security.test_web_hardening import assert_page_headers
from verifier.i18n import CATALOGUE as VERIFIER
from wallet.i18n import CATALOGUE as WALLET

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LANGS = ("nl", "en")
#: What a browser sends (Chromium's navigation Accept header).
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[IssuerApp]:
    iss = issuer_app(tmp_path)
    create_tenant(iss.app.state.ctx, slug="hva", name_nl="Hogeschool <Noord>",
                  name_en="Northern <University>", logo_uri="https://logo.example/hva.svg")
    iss.client.headers.pop("Authorization")  # a visitor, not the provider's system
    yield iss
    iss.ctx.db.dispose()


def _text(page: str) -> str:
    """The words of a page, markup and whitespace runs taken away."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]


@pytest.mark.parametrize("lang", LANGS)
def test_the_issuer_root_is_a_landing_page_in_the_language(issuer: IssuerApp, lang: str) -> None:
    r = issuer.client.get("/", headers={**BROWSER, "accept-language": f"{lang};q=0.9"})
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-language"] == lang and f'<html lang="{lang}">' in r.text
    assert "Accept" in r.headers["vary"]
    words = _text(r.text)
    for key in ("home.title", "home.what", "home.wallet", "home.learners.text",
                "home.providers.title", "home.dev.title", "home.dev.docs", "home.dev.redoc"):
        assert ISSUER.gettext(lang, key) in words, key
    assert ("Voor ontwikkelaars" if lang == "nl" else "For developers") in words
    # the providers, by their names in this language (escaped), with their logos
    names = {"nl": ("ROC NL", "Hogeschool <Noord>"), "en": ("ROC EN", "Northern <University>")}
    other = names["en" if lang == "nl" else "nl"]
    for name in names[lang]:
        assert name in words
    assert not any(name in words for name in other)
    assert "<Noord>" not in r.text and "<University>" not in r.text
    assert 'src="https://logo.example/hva.svg"' in r.text
    # the links: the language switch, the API docs, each provider's metadata
    links = _hrefs(r.text)
    assert f"/?lang={'en' if lang == 'nl' else 'nl'}" in links
    assert {"/docs", "/redoc", "/openapi.json"} <= set(links)
    meta = [h for h in links if "/.well-known/openid-credential-issuer/" in h]
    assert sorted(meta) == ["http://testserver/.well-known/openid-credential-issuer/tenants/hva",
                            "http://testserver/.well-known/openid-credential-issuer/tenants/roc"]
    for href in ("/docs", "/redoc", "/openapi.json", "/static/site.css", *meta):
        assert issuer.client.get(href).status_code == 200, href
    shown = issuer.client.get(meta[0]).json()["credential_issuer"]
    assert shown == "http://testserver/tenants/hva" and shown in words
    # no HTTP status, code or field path in the words
    assert not re.search(r"\b(404|problem|null|None)\b", words), words


def test_the_issuer_landing_page_is_hardened_and_sets_no_cookie(issuer: IssuerApp) -> None:
    r = issuer.client.get("/", headers=BROWSER)
    assert_page_headers(r, where="issuer landing")
    assert "set-cookie" not in r.headers  # no form, no sign-in: nothing to remember
    switched = issuer.client.get("/?lang=en", headers=BROWSER)
    assert switched.headers["content-language"] == "en"
    assert switched.headers["set-cookie"].startswith("lang=en;")  # the switch is remembered
    assert issuer.client.get("/", headers=BROWSER).headers["content-language"] == "en"
    assert 'href="/?lang=nl"' in issuer.client.get("/", headers=BROWSER).text
    assert "<style" not in r.text and "style=" not in r.text and "<script" not in r.text


def test_a_json_client_gets_the_index_as_json(issuer: IssuerApp) -> None:
    r = issuer.client.get("/", headers={"accept": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["service"] == "issuer" and body["total"] == 2
    assert (body["docs"], body["redoc"], body["openapi"]) == ("/docs", "/redoc", "/openapi.json")
    hva = next(p for p in body["providers"] if p["slug"] == "hva")
    assert hva == {
        "slug": "hva", "name": {"nl": "Hogeschool <Noord>", "en": "Northern <University>"},
        "logo_uri": "https://logo.example/hva.svg",
        "credential_issuer": "http://testserver/tenants/hva",
        "metadata": "http://testserver/.well-known/openid-credential-issuer/tenants/hva"}
    # a browser (text/html and */*) gets the page; so does a client that names no type
    assert issuer.client.get("/", headers=BROWSER).headers["content-type"].startswith("text/html")
    assert issuer.client.get("/", headers={"accept": "*/*"}).headers[
        "content-type"].startswith("text/html")


@pytest.mark.parametrize("lang", LANGS)
def test_an_issuer_without_providers_says_so(tmp_path: Path, lang: str) -> None:
    iss = issuer_app(tmp_path, tenant=False)
    try:
        r = iss.client.get(f"/?lang={lang}", headers=BROWSER)
        assert r.status_code == 200
        assert ISSUER.gettext(lang, "home.providers.none") in _text(r.text)
        assert "openid-credential-issuer" not in r.text
        assert iss.client.get("/", headers={"accept": "application/json"}).json()[
            "providers"] == []
    finally:
        iss.app.state.ctx.db.dispose()


def test_other_issuer_errors_stay_problem_json(issuer: IssuerApp) -> None:
    r = issuer.client.get("/nope", headers=BROWSER)
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("lang", LANGS)
def test_the_wallet_root_is_the_sign_in_page_before_sign_in(tmp_path: Path, lang: str) -> None:
    app, client = wallet_app(tmp_path)
    try:
        r = client.get("/", headers={**BROWSER, "accept-language": lang})
        assert [h.status_code for h in r.history] in ([303], [307], [302])
        assert r.url.path == "/login" and r.status_code == 200
        assert r.headers["content-language"] == lang and f'<html lang="{lang}"' in r.text
        assert WALLET.gettext(lang, "app.name") in r.text
        assert WALLET.gettext(lang, "auth.login_title") in _text(r.text)
    finally:
        app.state.wallet.db.dispose()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("staff_login", [False, True], ids=["open", "staff"])
def test_the_verifier_root_is_the_ask_page_or_sign_in(tmp_path: Path, lang: str,
                                                      staff_login: bool) -> None:
    app, client = verifier_app(tmp_path, staff_login=staff_login)
    try:
        r = client.get("/", headers={**BROWSER, "accept-language": lang})
        assert r.status_code == 200, r.text[:300]
        assert r.url.path == ("/login" if staff_login else "/")
        assert r.headers["content-language"] == lang and f'<html lang="{lang}"' in r.text
        assert VERIFIER.gettext(lang, "app.name") in r.text
        other = "en" if lang == "nl" else "nl"
        assert f"lang={other}" in r.text  # the language switch
    finally:
        app.state.verifier.db.dispose()


@pytest.mark.parametrize(("lang", "more"), [("nl", "En nog 1 andere opleiding."),
                                            ("en", "And 1 other school.")])
def test_a_long_list_of_providers_is_cut_and_counted(issuer: IssuerApp, lang: str, more: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from issuer.routes import landing

    monkeypatch.setattr(landing, "MAX_PROVIDERS", 1)
    r = issuer.client.get(f"/?lang={lang}", headers=BROWSER)
    assert r.text.count("data-slug=") == 1 and more in _text(r.text)
    body = issuer.client.get("/", headers={"accept": "application/json"}).json()
    assert len(body["providers"]) == 1 and body["total"] == 2
