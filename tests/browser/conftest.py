"""Debian's Chromium for the page tests (Playwright drives it; it never downloads a browser):
one browser per test module, required in CI, skipped elsewhere with what to install."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, require

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
#: Screenshots of the pages the tests visit.
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def playwright_sync() -> Iterator[Any]:
    """Playwright, once Chromium and the package are known to be there."""
    require(CHROMIUM.exists(), "Debian chromium is not installed at /usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        require(False, "playwright is not installed")
        raise
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright_sync: Any) -> Iterator[Any]:
    """A headless Debian Chromium, closed after the module."""
    b = playwright_sync.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    yield b
    b.close()
