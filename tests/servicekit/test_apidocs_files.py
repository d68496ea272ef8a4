"""The Swagger UI and ReDoc files served at /docs and /redoc (servicekit/static/apidocs):
provenance in MANIFEST.json (package@version, path in the package, SPDX licence, SHA-256),
integrity, and how the services serve them (no CDN, the docs CSP only on the docs)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from servicekit.apidocs import ASSETS_DIR, manifest
from servicekit.app import service_app
from servicekit.resources import Resources
from servicekit.security import DEFAULT_CSP, DOCS_CSP
from servicekit.settings import ServiceSettings

PACKAGE = re.compile(r"^(rotonde|(@[a-z0-9-]+/)?[a-z0-9.-]+@\d+\.\d+\.\d+)$")
SPDX = re.compile(r"^[A-Za-z0-9.() -]+$")
LICENCE_TEXTS = {"swagger-ui-LICENSE.txt", "swagger-ui-NOTICE.txt",
                 "swagger-ui-bundle.js.LICENSE.txt", "redoc-LICENSE.txt",
                 "redoc.standalone.js.LICENSE.txt"}


def test_manifest_hashes_match_the_files() -> None:
    rows = manifest()
    assert rows
    for row in rows:
        data = (ASSETS_DIR / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["file"]
        assert PACKAGE.match(row["package"]), row
        assert row["package_path"] and SPDX.match(row["licence"]), row


def test_manifest_lists_exactly_the_files_in_the_folder() -> None:
    listed = [row["file"] for row in manifest()]
    assert len(listed) == len(set(listed))
    present = {p.name for p in ASSETS_DIR.iterdir() if p.name != "MANIFEST.json"}
    assert set(listed) == present


def test_every_package_ships_its_licence_text() -> None:
    rows = manifest()
    packages = {r["package"] for r in rows if r["package"] != "rotonde"}
    assert {p.split("@")[0] for p in packages} == {"swagger-ui-dist", "redoc"}
    for package in packages:
        files = {r["file"] for r in rows if r["package"] == package}
        assert files & LICENCE_TEXTS, f"{package}: no licence text shipped"
    assert {r["file"] for r in rows} >= LICENCE_TEXTS
    # the texts are the packages' own (Apache-2.0 and MIT)
    assert "Apache License" in (ASSETS_DIR / "swagger-ui-LICENSE.txt").read_text("utf-8")
    assert "MIT" in (ASSETS_DIR / "redoc-LICENSE.txt").read_text("utf-8")


def test_no_shipped_script_loads_from_a_cdn() -> None:
    """The two versions chosen: no CDN URL the page would load, except ReDoc's logo, which
    redoc-offline.js replaces (tests/browser/test_apidocs.py proves none is requested)."""
    for name in ("swagger-ui-bundle.js", "swagger-init.js"):
        text = (ASSETS_DIR / name).read_text("utf-8")
        assert "cdn.jsdelivr.net" not in text and "unpkg.com" not in text, name
    redoc = (ASSETS_DIR / "redoc.standalone.js").read_text("utf-8")
    assert re.findall(r"https://cdn\.redoc\.ly/[^\"'`]*", redoc) == [
        "https://cdn.redoc.ly/redoc/logo-mini.svg"]
    assert "https://cdn.redoc.ly/" in (ASSETS_DIR / "redoc-offline.js").read_text("utf-8")


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    app = service_app(ServiceSettings(data_dir=tmp_path, dev=True), Resources(), title="Demo",
                      routers=[], state={})
    return TestClient(app)


def test_docs_pages_load_only_the_shipped_files(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        r = client.get(path)
        assert r.status_code == 200
        assert r.headers["content-security-policy"] == DOCS_CSP
        sources = re.findall(r'(?:src|href)="([^"]+)"', r.text)
        assert sources and all(s.startswith("/docs/assets/") for s in sources), sources
        assert "<script>" not in r.text  # every script is a file: script-src 'self'
        for src in sources:
            asset = client.get(src)
            assert asset.status_code == 200, src
            name = src.rsplit("/", 1)[1]
            assert asset.content == (ASSETS_DIR / name).read_bytes()
            assert asset.headers["cache-control"] == "public, max-age=86400"
    spec = client.get("/openapi.json")
    assert spec.status_code == 200 and spec.json()["info"]["title"] == "Demo"


def test_the_docs_csp_is_only_on_the_docs(client: TestClient) -> None:
    assert client.get("/healthz").headers["content-security-policy"] == DEFAULT_CSP
    assert client.get("/docsx").headers["content-security-policy"] == DEFAULT_CSP
    assert "'unsafe-inline'" not in DOCS_CSP.split("script-src", 1)[1].split(";", 1)[0]
    assert "https:" not in DOCS_CSP


def test_unknown_assets_and_paths_outside_the_folder_are_404(client: TestClient) -> None:
    assert client.get("/docs/assets/nope.js").status_code == 404
    assert client.get("/docs/assets/../apidocs.py").status_code == 404


def test_without_api_docs_there_are_no_docs(tmp_path: Path) -> None:
    app = service_app(ServiceSettings(data_dir=tmp_path, dev=True), Resources(), title="Demo",
                      routers=[], state={}, api_docs=False)
    with TestClient(app) as c:
        assert c.get("/docs").status_code == 404
        assert c.get("/redoc").status_code == 404
        assert c.get("/docs/assets/swagger-ui-bundle.js").status_code == 404
        assert c.get("/api/openapi.json").status_code == 200
