"""The interactive API docs work offline: /docs (Swagger UI) and /redoc (ReDoc) of the running
issuer in real Chromium, with every request that is not to the service itself aborted.

The pages load only the service's own files (``servicekit/static/apidocs``, no CDN) under the
service's CSP (``servicekit.security.DOCS_CSP``: ``script-src 'self'``, no inline script); the
test asserts the operations render and that the console shows no error (a CSP violation is a
console error in Chromium).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.issuer._support import LiveIssuer, make_settings, start_server

pytestmark = pytest.mark.browser

#: A summary of the provider API, as the OpenAPI document has it (issuer/routes/api.py).
SUMMARY = "Issue to many learners as a background job"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveIssuer]:
    live = start_server(make_settings(tmp_path_factory.mktemp("issuer-docs")))
    yield live
    live.server.should_exit = True
    live.ctx.db.dispose()


class Offline:
    """A page whose requests to anything but the service's own origin are aborted (and
    recorded), with the console errors and the CSP violations it reports."""

    def __init__(self, browser: Any, origin: str) -> None:
        self.context = browser.new_context(service_workers="block")
        self.page = self.context.new_page()
        self.origin = origin
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text)
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def _route(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or f"{parts.scheme}://{parts.netloc}" == self.origin:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()


def test_swagger_ui_renders_offline_under_the_csp(browser: Any, issuer: LiveIssuer) -> None:
    tab = Offline(browser, issuer.url)
    try:
        response = tab.page.goto(issuer.url + "/docs")
        assert response is not None and response.status == 200
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe-inline' https" not in csp
        assert "'unsafe-eval'" not in csp and "cdn" not in csp
        # an operation of the provider API, rendered by Swagger UI from /openapi.json
        summary = tab.page.locator(".opblock-summary-description", has_text=SUMMARY)
        summary.first.wait_for(state="visible", timeout=30_000)
        assert tab.page.locator(".opblock").count() > 10
        # expanding it renders its responses (the 202 of a batch)
        summary.first.click()
        tab.page.locator(".response-col_status", has_text="202").first.wait_for(
            state="visible", timeout=10_000)
        assert tab.blocked == []
        assert tab.errors == []
    finally:
        tab.close()


def test_redoc_renders_offline_under_the_csp(browser: Any, issuer: LiveIssuer) -> None:
    tab = Offline(browser, issuer.url)
    try:
        response = tab.page.goto(issuer.url + "/redoc")
        assert response is not None and response.status == 200
        assert "script-src 'self';" in response.headers["content-security-policy"]
        # the operation's heading in the middle panel, rendered by ReDoc from /openapi.json
        tab.page.locator("h2", has_text=SUMMARY).first.wait_for(state="visible",
                                                                timeout=30_000)
        assert tab.page.locator("h2").count() > 10
        assert tab.blocked == []
        assert tab.errors == []
    finally:
        tab.close()


def test_a_request_to_the_outside_would_be_seen(browser: Any, issuer: LiveIssuer) -> None:
    """The blocking above can fail: a request to a CDN is aborted and recorded."""
    from playwright.sync_api import Error

    tab = Offline(browser, issuer.url)
    try:
        with pytest.raises(Error):
            tab.page.goto("https://cdn.jsdelivr.net/npm/swagger-ui-dist/swagger-ui-bundle.js")
        assert tab.blocked == ["https://cdn.jsdelivr.net/npm/swagger-ui-dist/swagger-ui-bundle.js"]
    finally:
        tab.close()
