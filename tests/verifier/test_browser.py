"""The request and result pages in real Chromium (Debian's, headless) via Playwright.

The request page must move to the result by itself (own JS polling) once the wallet answers;
the result page shows the verdict first, in the chosen language, and prints without chrome.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require
from tests.verifier.test_live_http import play_wallet

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.browser


def _playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(bool(shutil.which("chromium")) and sync_playwright is not None,
            "install Debian's chromium: apt-get install chromium")
    return sync_playwright


def test_request_page_updates_itself_and_result_page(live: Any, issuer: Any, holder: Any) -> None:
    sync_playwright = _playwright()
    import httpx

    srv = live()
    created = httpx.post(srv.url + "/api/requests", json={"template": "level", "min_level": 3},
                         timeout=30).json()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            page = browser.new_page(locale="en-GB", extra_http_headers={"accept-language": "en-GB"})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{srv.url}/requests/{created['id']}")
            assert page.locator(".qr svg").count() == 1
            assert page.get_attribute("html", "lang") == "en"
            page.screenshot(path=str(ARTIFACTS / "verifier-request.png"))
            from servicekit.qrscan import decode_qr

            # the QR code as rendered by Chromium decodes to the wallet invocation URI
            assert decode_qr(page.locator(".qr svg").screenshot()) == created["invocation_uri"]
            answer = threading.Thread(target=play_wallet, args=(
                srv.url, created["invocation_uri"], issuer.credential(holder), holder))
            answer.start()
            page.wait_for_url(f"**/results/{created['id']}", timeout=20000)
            answer.join()
            verdict = page.locator("#verdict")
            assert verdict.get_attribute("data-verdict") == "accepted"
            assert page.locator("h1").first.inner_text() == "Accepted"
            # the verdict comes before the checks
            assert page.locator("main > section").first.get_attribute("id") == "verdict"
            assert page.locator("tr.check").count() >= 5
            assert page.locator("tr[data-check=status]").count() == 1
            page.screenshot(path=str(ARTIFACTS / "verifier-result-en.png"), full_page=True)
            page.click("text=Nederlands")
            assert page.get_attribute("html", "lang") == "nl"
            assert page.locator("h1").first.inner_text() == "Geaccepteerd"
            page.emulate_media(media="print")
            assert not page.locator("header.top").is_visible()
            assert page.locator("#verdict").is_visible()
            page.screenshot(path=str(ARTIFACTS / "verifier-result-print.png"), full_page=True)
            assert errors == [], errors
        finally:
            browser.close()


def test_result_page_for_a_rejected_share(live: Any) -> None:
    sync_playwright = _playwright()
    srv = live()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            page = browser.new_page(extra_http_headers={"accept-language": "nl-NL,nl;q=0.9"})
            page.goto(srv.url + "/scan")
            assert page.get_attribute("html", "lang") == "nl"
            # camera where BarcodeDetector exists, otherwise a note pointing to upload
            assert page.locator("#camera").is_visible() or page.locator("#no-camera").is_visible()
            page.fill("#text", "this is not a share")
            page.click("button[type=submit]")
            page.wait_for_url("**/results/**")
            assert page.locator("#verdict").get_attribute("data-verdict") == "rejected"
            # in words with the next step; the code only in the markup, for machines
            reasons = page.locator(".reasons").inner_text()
            assert "vraag de kandidaat om een nieuwe" in reasons, reasons
            assert "share.unrecognised" not in reasons
            assert page.locator('.reasons [data-code="share.unrecognised"]').count() == 1
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "verifier-scan-rejected.png"), full_page=True)
        finally:
            browser.close()


def test_request_page_without_javascript_refreshes_itself(live: Any, issuer: Any, holder: Any) -> None:
    sync_playwright = _playwright()
    import httpx

    srv = live()
    created = httpx.post(srv.url + "/api/requests", json={"template": "level"}, timeout=30).json()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            context = browser.new_context(java_script_enabled=False, locale="en-GB")
            page = context.new_page()
            page.goto(f"{srv.url}/requests/{created['id']}")
            assert page.locator("#status").inner_text() == "Waiting for the wallet…"
            play_wallet(srv.url, created["invocation_uri"], issuer.credential(holder), holder)
            # <noscript><meta http-equiv="refresh"> reloads; the request page then redirects
            page.wait_for_url(f"**/results/{created['id']}", timeout=20000)
            assert page.locator("#verdict").get_attribute("data-verdict") == "accepted"
        finally:
            browser.close()
