"""``create_app(settings)``: the wallet web app (FastAPI, server-rendered Jinja2 pages).

Start-up validates the settings, applies the Alembic migrations, loads the KEK
(:func:`servicekit.crypto.load_kek`) and builds the one outbound :class:`rotonde.http.Fetcher`
(loopback and http only in development mode) — :func:`wallet.context.open_context`; the app's
lifespan disposes of the database and closes that Fetcher at shutdown. Security headers (CSP
without inline script) and the request body cap come from :mod:`servicekit.security`; every
failure of a page is an error page in the learner's language (:mod:`servicekit.pages`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

from rotonde.clock import Clock
from rotonde.http import Fetcher
from servicekit.app import service_app
from servicekit.resources import Resources
from wallet.context import open_context
from wallet.pages import wallet_site
from wallet.routes import auth, backup, credentials, present, receive, share
from wallet.settings import WalletSettings

__all__ = ["app_from_env", "create_app"]

HERE = Path(__file__).parent

OPENAPI_DESCRIPTION = """\
Rotonde wallet (server-rendered pages for the learner). Published for API fuzzing and for
peers; there is no interactive documentation UI.

* **OpenID4VCI** `GET /offer` — the wallet's Credential Offer Endpoint (opened from a QR code).
* **OpenID4VP** `GET /authorize` — the wallet's authorization endpoint for verifier requests.
* **Share** `GET /share/{share_id}` — a verifier fetches a holder-initiated share (JSON);
  errors are RFC 9457 problem+json.
* Every other operation is an HTML page or form (CSRF-protected); errors render an HTML page.
"""


def create_app(
    settings: WalletSettings,
    *,
    clock: Clock | None = None,
    fetcher: Fetcher | None = None,
    extra: dict[str, Any] | None = None,
) -> FastAPI:
    """Build the wallet app. ``clock`` and ``fetcher`` are injectable for tests (a given
    fetcher stays the caller's to close)."""
    resources = Resources()
    ctx = open_context(settings, resources, clock=clock, fetcher=fetcher, extra=extra)
    settings = ctx.settings
    # the upload forms get the upload cap (+ room for the other fields); everything else the
    # (smaller) body cap
    upload_cap = max(settings.max_body_bytes, settings.max_upload_bytes + 256 * 1024)
    return service_app(
        settings, resources, title="Rotonde wallet", description=OPENAPI_DESCRIPTION,
        state={"wallet": ctx},
        routers=[m.router for m in (auth, credentials, receive, present, share, backup)],
        static=HERE / "static", pages=wallet_site(settings), api_docs=False,
        body_limits=(("/receive", upload_cap), ("/backup/import", upload_cap)),
    )


def app_from_env() -> FastAPI:
    """App factory for ``uvicorn --factory wallet.app:app_from_env`` (several workers or
    processes): settings from ``ROTONDE_WALLET_*`` environment variables."""
    from wallet.settings import load_settings

    return create_app(load_settings())
