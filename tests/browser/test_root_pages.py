"""The root URL of the three services in real Chromium on a 360 px wide phone: a page in the
visitor's language (Dutch and English), no horizontal scroll, no CSP violation or other console
error, and the issuer's landing page usable by keyboard (Tab reaches the language switch and
the documentation links; Enter follows one). Debian's Chromium, never a download."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.servers import free_port, serve

pytestmark = pytest.mark.browser

#: A provider name and slug long enough to push a careless layout off a phone screen.
LONG_NL = "Regionaal Opleidingscentrum Rijnvallei-Amersfoortsestraatweggemeenschap"
LONG_SLUG = "roc-rijnvallei-amersfoortsestraatweggemeenschap-locatie-noord"


@pytest.fixture(scope="module")
def roots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    from issuer.app import create_app as issuer_app
    from issuer.context import open_context
    from issuer.flows.tenants import create_tenant
    from issuer.settings import IssuerSettings
    from rotonde.encoding import b64url_encode
    from verifier.app import create_app as verifier_app
    from verifier.settings import VerifierSettings
    from wallet.app import create_app as wallet_app
    from wallet.settings import WalletSettings

    tmp = tmp_path_factory.mktemp("roots")
    ports = {name: free_port() for name in ("issuer", "wallet", "verifier")}
    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    iset = IssuerSettings(dev=True, data_dir=tmp / "i", public_url=url["issuer"],
                          port=ports["issuer"])
    ctx = open_context(iset)
    create_tenant(ctx, slug=LONG_SLUG, name_nl=LONG_NL, name_en=LONG_NL + " (English)",
                  did_method="key")
    create_tenant(ctx, slug="hva", name_nl="Hogeschool Noord", name_en="Northern University",
                  did_method="key")
    kek = b64url_encode(secrets.token_bytes(32))
    apps = {
        "issuer": issuer_app(iset, context=ctx, run_worker=False),
        "wallet": wallet_app(WalletSettings(dev=True, data_dir=tmp / "w", kek=kek,
                                            public_url=url["wallet"], port=ports["wallet"])),
        "verifier": verifier_app(VerifierSettings(dev=True, data_dir=tmp / "v", kek=kek,
                                                  public_url=url["verifier"],
                                                  port=ports["verifier"])),
    }
    with serve(apps["issuer"], ports["issuer"]), serve(apps["wallet"], ports["wallet"]), \
            serve(apps["verifier"], ports["verifier"]):
        yield url
    ctx.db.dispose()


def _phone(browser: Any, lang: str) -> Any:
    return browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                               has_touch=True, locale={"nl": "nl-NL", "en": "en-GB"}[lang])


def _no_horizontal_scroll(page: Any, where: str) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{where}: {width[0]} px wide on a {width[1]} px screen"


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("service", ["issuer", "wallet", "verifier"])
def test_the_root_fits_a_phone_in_the_language(browser: Any, roots: dict[str, str],
                                               service: str, lang: str) -> None:
    context = _phone(browser, lang)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    failed: list[str] = []  # (the wallet has no icon: Chromium's /favicon.ico is not a page's)
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)
    try:
        answer = page.goto(roots[service] + "/")
        assert answer is not None and answer.status == 200, service
        assert page.locator("html").get_attribute("lang") == lang
        if service == "issuer":  # open the developers' details too: the longest lines
            page.locator("details summary").click()
            assert page.get_by_text(LONG_SLUG, exact=False).first.is_visible()
        _no_horizontal_scroll(page, f"{service} / ({lang})")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"root-{service}-{lang}.png"), full_page=True)
        assert not failed, failed
        assert not [e for e in errors if "Failed to load resource" not in e], errors
    finally:
        context.close()


def test_the_issuer_landing_page_works_by_keyboard(browser: Any, roots: dict[str, str]) -> None:
    context = _phone(browser, "nl")
    page = context.new_page()
    try:
        page.goto(roots["issuer"] + "/")
        reached: list[str] = []
        for _ in range(12):
            page.keyboard.press("Tab")
            reached.append(page.evaluate(
                "() => document.activeElement.getAttribute('href') || "
                "document.activeElement.tagName"))
        assert "/?lang=en" in reached and "/docs" in reached and "/redoc" in reached, reached
        assert "SUMMARY" in reached, reached
        while page.evaluate("() => document.activeElement.getAttribute('href')") != "/?lang=en":
            page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
        page.wait_for_url("**/?lang=en")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", name="For developers").is_visible()
    finally:
        context.close()
