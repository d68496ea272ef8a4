"""Interactive API documentation that works offline: Swagger UI at ``/docs``, ReDoc at ``/redoc``.

FastAPI's own ``/docs`` and ``/redoc`` load their JavaScript and CSS from a CDN and start
Swagger UI with an inline script, so on a machine without internet (or under a CSP without
inline script) the page is blank. Here both pages are small HTML documents that load only the
files shipped in ``servicekit/static/apidocs/`` (taken from the npm packages
``swagger-ui-dist`` and ``redoc``; package, path, licence and SHA-256 of each file in its
``MANIFEST.json``, DEVELOPERS.md "Offline API docs"), served under ``/docs/assets/``. Swagger UI
is started by ``swagger-init.js`` (a file, not inline), so both pages keep ``script-src 'self'``
(:data:`servicekit.security.DOCS_CSP`).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

__all__ = ["ASSETS_DIR", "ASSETS_PATH", "install_api_docs", "manifest"]

#: The shipped files (and their MANIFEST.json).
ASSETS_DIR = Path(__file__).resolve().parent / "static" / "apidocs"
#: Where they are served.
ASSETS_PATH = "/docs/assets"


def manifest() -> list[dict[str, str]]:
    """The rows of ``MANIFEST.json``: ``file``, ``package``, ``package_path``, ``licence``,
    ``sha256`` (and an optional ``note``)."""
    rows: list[dict[str, str]] = json.loads(
        (ASSETS_DIR / "MANIFEST.json").read_text("utf-8"))["files"]
    return rows


class _Assets(StaticFiles):
    """The shipped files, cacheable for a day (they change only with a Rotonde release)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=86400"
        return response


def _page(title: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>{head}</head><body>{body}</body></html>\n",
        headers={"Cache-Control": "no-cache"},
    )


def install_api_docs(app: FastAPI, *, openapi_url: str) -> None:
    """Add ``GET /docs`` (Swagger UI), ``GET /redoc`` (ReDoc) and the shipped files under
    :data:`ASSETS_PATH` to ``app``, whose OpenAPI document is at ``openapi_url``. Create the
    app with ``docs_url=None, redoc_url=None`` so FastAPI's CDN pages are not installed."""
    app.mount(ASSETS_PATH, _Assets(directory=str(ASSETS_DIR)), name="apidocs")
    title = f"{app.title} — API"
    spec = escape(openapi_url, quote=True)

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _page(
            title,
            f'<link rel="stylesheet" href="{ASSETS_PATH}/swagger-ui.css">',
            f'<div id="swagger-ui" data-openapi-url="{spec}"></div>'
            f'<script src="{ASSETS_PATH}/swagger-ui-bundle.js"></script>'
            f'<script src="{ASSETS_PATH}/swagger-init.js"></script>',
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _page(
            title, "",
            f'<redoc spec-url="{spec}"></redoc>'
            f'<script src="{ASSETS_PATH}/redoc-offline.js"></script>'
            f'<script src="{ASSETS_PATH}/redoc.standalone.js"></script>',
        )
