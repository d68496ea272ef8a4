"""``create_app(settings)``: the wallet web app (FastAPI, server-rendered Jinja2 pages).

Start-up validates the settings, applies the Alembic migrations, loads the KEK
(:func:`servicekit.crypto.load_kek`) and builds the one outbound :class:`rotonde.http.Fetcher`
(loopback and http only in development mode). Security headers (CSP without inline script) and
the request body cap come from :mod:`servicekit.security`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from rotonde.clock import Clock, SystemClock
from rotonde.errors import RotondeError
from rotonde.http import Fetcher, URLPolicy
from servicekit.crypto import SecretBox, load_secret_box
from servicekit.db import Database, migrate
from servicekit.replay import OneTimeStore
from servicekit.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from servicekit.templating import neutralise_bidi
from wallet.flows._http import DevFetcher
from wallet.i18n import problem_text, translator
from wallet.outbound import OutboundLimit
from wallet.settings import ENV_PREFIX, WalletSettings
from wallet.web import TEMPLATES, LoginRequired, PageError, WalletContext, lang_of, redirect, render

__all__ = ["app_from_env", "create_app"]

log = logging.getLogger("rotonde.wallet")
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


def secret_box(settings: WalletSettings) -> SecretBox:
    """The KEK (and any previous KEKs) from the settings and environment."""
    return load_secret_box(ENV_PREFIX, dev=settings.dev, data_dir=settings.data_dir,
                           explicit=settings.kek)


def open_database(settings: WalletSettings) -> Database:
    """The wallet's database, migrated to this code's schema (creates the data directory
    when it holds the database or the development KEK)."""
    if not settings.database_url or settings.dev:
        settings.ensure_data_dir()
    db = Database(settings.effective_database_url, schema=settings.db_schema)
    migrate(db, HERE / "migrations")
    return db


def create_app(
    settings: WalletSettings,
    *,
    clock: Clock | None = None,
    fetcher: Fetcher | None = None,
    extra: dict[str, Any] | None = None,
) -> FastAPI:
    """Build the wallet app. ``clock`` and ``fetcher`` are injectable for tests."""
    settings = settings.validate()
    db = open_database(settings)
    box = secret_box(settings)
    clk = clock or SystemClock()
    policy = URLPolicy(allow_http=settings.dev, allow_private=settings.dev)
    templates = Jinja2Templates(directory=str(TEMPLATES))
    neutralise_bidi(templates.env)  # no directional override from a credential reaches a page
    one_time = OneTimeStore(db, clock=clk)
    context = WalletContext(
        settings=settings,
        db=db,
        box=box,
        clock=clk,
        fetcher=fetcher or (DevFetcher(policy=policy) if settings.dev else Fetcher(policy=policy)),
        templates=templates,
        one_time=one_time,
        outbound=OutboundLimit(one_time, concurrent=settings.fetch_concurrency,
                               limit=settings.fetch_limit, window=settings.fetch_window),
        extra=dict(extra or {}),
    )

    if settings.trust_list:
        from rotonde.trust import load_trust_list

        context.extra.setdefault("trust_list", load_trust_list(Path(settings.trust_list),
                                                               clock=clk))

    app = FastAPI(title="Rotonde wallet", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", description=OPENAPI_DESCRIPTION)
    app.state.wallet = context
    from servicekit.logredact import install_log_redaction

    install_log_redaction()  # /offer?credential_offer_uri=..., /authorize?request_uri=...
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    import importlib

    for name in ("auth", "credentials", "receive", "present", "share", "backup"):
        app.include_router(importlib.import_module(f"wallet.routes.{name}").router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness probe for load balancers (no session, no database access)."""
        return {"status": "ok"}

    # The handlers render pages (the signed-in learner is looked up in the database): plain
    # ``def``, so Starlette runs them in the thread pool, not on the event loop.
    @app.exception_handler(LoginRequired)
    def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        from urllib.parse import quote

        return redirect("/login?next=" + quote(exc.next_url, safe=""))

    @app.exception_handler(PageError)
    def on_page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageError)
        lang = lang_of(request)
        if exc.error is not None:
            message = problem_text(lang, exc.error)
        else:
            message = translator(lang)(exc.key or "error.internal")
        return render(request, "error.html",
                      {"message": message, "code": exc.error.code if exc.error else ""},
                      status=exc.status)

    @app.exception_handler(RotondeError)
    def on_rotonde(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RotondeError)
        return render(request, "error.html",
                      {"message": problem_text(lang_of(request), exc), "code": exc.code},
                      status=400)

    @app.exception_handler(StarletteHTTPException)
    def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        key = "error.not_found" if exc.status_code == 404 else "error.internal"
        if exc.status_code == 405:
            key = "error.not_found"
        return render(request, "error.html",
                      {"message": translator(lang_of(request))(key), "code": ""},
                      status=exc.status_code)

    @app.exception_handler(Exception)
    def on_unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return render(request, "error.html",
                      {"message": translator(lang_of(request))("error.internal"), "code": ""},
                      status=500)

    from fastapi.exceptions import RequestValidationError

    @app.exception_handler(RequestValidationError)
    def on_invalid(request: Request, exc: Exception) -> Response:
        lang = lang_of(request)
        text = ("Het formulier is onvolledig of ongeldig." if lang == "nl"
                else "The form is incomplete or invalid.")
        return render(request, "error.html", {"message": text, "code": "request.invalid"},
                      status=422)

    # the upload forms get the upload cap (+ room for the other fields); everything else the
    # (smaller) body cap
    upload_cap = max(settings.max_body_bytes, settings.max_upload_bytes + 256 * 1024)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes,
                       path_limits=(("/receive", upload_cap), ("/backup/import", upload_cap)))
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.send_hsts)
    return app


def app_from_env() -> FastAPI:
    """App factory for ``uvicorn --factory wallet.app:app_from_env`` (several workers or
    processes): settings from ``ROTONDE_WALLET_*`` environment variables."""
    from wallet.settings import load_settings

    return create_app(load_settings())
