"""Errors in plain words (issue 13 item 3): every stable problem code that can reach a page
has a message with the next step in Dutch and English, and the page error path shows that
message — never the code, an HTTP status, a parser's message, a field path or English on a
Dutch page."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from rotonde.errors import RotondeError
from rotonde.oid4vci.client import KNOWN_OAUTH_ERRORS
from servicekit.i18n import LANGS, SHARED_LOCALE, Catalogue, messages_of
from servicekit.pages import PageError, install_page_handlers, problem_key, problem_message
from tests.servicekit.problem_codes import source_codes
from verifier.i18n import CATALOGUE as VERIFIER
from verifier.pages import verifier_site
from wallet.i18n import CATALOGUE as WALLET
from wallet.pages import wallet_site

#: Codes that never reach a page: the provider API and the command line answer them as
#: problem+json or on the terminal (settings, database, tenants, API keys, batch jobs, the
#: issuer's catalogue, its OAuth endpoints, its JSON-LD vocabulary, its webhooks), or they are a
#: programmer's mistake in verification options.
NOT_ON_PAGES = ("config.", "db.", "api.", "apikey.", "auth.", "achievement.", "idempotency.",
                "issue.", "issuer.", "job.", "tenant.", "oid4vci.", "vocab.", "webhook.",
                "verify.option_invalid", "verify.policy_name_taken")


def page_codes() -> list[str]:
    """Every code of the sources that can reach a page, with the codes made at run time:
    the issuer's OAuth errors as the wallet reports them (``offer.<error>``) and the HTTP
    statuses of the error pages."""
    codes = set(source_codes())
    codes |= {f"offer.{e}" for e in KNOWN_OAUTH_ERRORS} | {"offer.issuer_refused"}
    codes |= {f"http.{status}" for status in (400, 403, 404, 405, 409, 410, 413, 422, 429, 500)}
    codes |= {"status.revoked", "status.suspended"}  # rotonde/verify/status.py: the list says
    codes |= {f"wallet.{e}" for e in ("access_denied", "invalid_request")}  # OpenID4VP §8.5
    return sorted(c for c in codes if not c.startswith(NOT_ON_PAGES))


CODES = page_codes()


def test_the_codes_are_found() -> None:
    """The enumeration reads the sources: the codes of the journeys are among them."""
    for code in ("offer.invalid_grant", "offer.pin_missing", "fetch.http_status",
                 "presentation.replayed", "qr.text_size", "account.login_failed",
                 "backup.wrong_passphrase_or_tampered", "sdjwt.kb_missing"):
        assert code in CODES, code
    assert len(CODES) > 300


@pytest.mark.parametrize("catalogue", [WALLET, VERIFIER], ids=["wallet", "verifier"])
def test_every_page_code_has_a_message_in_both_languages(catalogue: Catalogue) -> None:
    missing = {lang: [c for c in CODES if problem_key(c, catalogue, lang) == "problem.other"]
               for lang in LANGS}
    assert missing == {"nl": [], "en": []}


def test_every_problem_message_belongs_to_a_code() -> None:
    """No message for a code nobody raises (a family message covers at least one code)."""
    everything = set(source_codes()) | set(CODES)
    stale = []
    for locale in (SHARED_LOCALE, WALLET.locale_dirs[0], VERIFIER.locale_dirs[0]):
        catalogue = Catalogue(locale)
        catalogue.locale_dirs = (locale,)
        for key in messages_of(catalogue, "en"):
            if key.startswith("problem.") and key != "problem.other":
                code = key.removeprefix("problem.")
                if not any(c == code or c.startswith(code + ".") for c in everything):
                    stale.append(key)
    assert not stale, stale


LEAKS = [
    re.compile(r"HTTP\s*\d{3}"), re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"),
    re.compile(r"Field required"), re.compile(r"/credentialSubject"),
    re.compile(r"Expecting value|line \d+ column \d+"), re.compile(r"\b[a-z]+\.[a-z_]+\.?\b"),
]


def _words(page: str) -> str:
    body = page.split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", body)).strip())


def _app(site: Any) -> FastAPI:
    app = FastAPI()
    install_page_handlers(app, replace(site, values=lambda _request, _lang: {},
                                       user=lambda _request: None))

    @app.get("/raise/{code}")
    def raise_it(code: str) -> None:
        if code.startswith("http."):
            raise PageError(int(code.removeprefix("http.")), site.http_reason(
                int(code.removeprefix("http."))))
        raise _error(code)

    return app


def _error(code: str) -> RotondeError:
    """The core's own words carry everything a page must not show."""
    return RotondeError(code, "Field required at /credentialSubject/id: HTTP 404 (tx_code)",
                        message_nl="Field required: antwoordde met HTTP 410; Expecting value: "
                        "line 1 column 1")


SITES = {
    "wallet": (wallet_site(SimpleNamespace(secure_cookies=False)), WALLET),  # type: ignore[arg-type]
    "verifier": (verifier_site(SimpleNamespace(secure_cookies=False,  # type: ignore[arg-type]
                                               require_staff=False)), VERIFIER),
}


@pytest.mark.parametrize("service", sorted(SITES))
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_code_renders_in_plain_words(service: str, lang: str) -> None:
    site, catalogue = SITES[service]
    other = "en" if lang == "nl" else "nl"
    failures: dict[str, str] = {}
    with TestClient(_app(site), raise_server_exceptions=False) as client:
        for code in CODES:
            r = client.get(f"/raise/{code}", headers={"accept-language": lang,
                                                      "accept": "text/html"})
            words = _words(r.text)
            expected = problem_message(lang, _error(code), catalogue)
            leak = next((p.pattern for p in LEAKS if p.search(words)), None)
            english = problem_message(other, _error(code), catalogue)
            if code.startswith("http."):
                reason = site.http_reason(int(code.removeprefix("http.")))
                expected, english = site.explain(lang, reason)[0], site.explain(other, reason)[0]
            if not r.headers.get("content-type", "").startswith("text/html"):
                failures[code] = "not a page"
            elif expected not in words:
                failures[code] = f"message not shown: {words[:200]}"
            elif leak:
                failures[code] = f"leaks {leak}: {words[:200]}"
            elif code in words:
                failures[code] = "shows its code"
            elif english != expected and english in words:
                failures[code] = f"{other} text on a {lang} page"
    assert not failures, failures


def test_the_leak_check_can_fail() -> None:
    """A page saying what the core said would be caught."""
    words = "Field required: antwoordde met HTTP 410"
    assert any(p.search(words) for p in LEAKS)
    assert any(p.search("wrong tx_code; 4 attempt(s) left") for p in LEAKS)
    assert any(p.search("pre-authorized code is unknown: offer.invalid_grant") for p in LEAKS)
