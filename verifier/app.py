"""``create_app(settings)``: the verifier web app.

Start-up validates the settings, applies the Alembic migrations (version table
``verifier_alembic_version``), loads the KEK and the request-signing key, builds the one
outbound :class:`rotonde.http.Fetcher` (http and loopback only in development mode), the DID
resolver, the caching status resolver and the trust list (a signed list that fails its
signature check refuses start-up). JSON routes answer problem+json / OAuth errors; pages
render an error page; nothing answers with a stack trace.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from rotonde.clock import Clock, SystemClock
from rotonde.did import Resolver
from rotonde.http import Fetcher, URLPolicy
from rotonde.status.resolver import StatusListResolver
from servicekit.app import base_app
from servicekit.crypto import SecretBox, load_secret_box
from servicekit.db import Database, migrate
from servicekit.problem import HttpProblem
from servicekit.replay import OneTimeStore
from verifier.flows.context import VerifierContext
from verifier.flows.keys import did_document, load_or_create_key
from verifier.flows.trust import load_trust
from verifier.settings import ENV_PREFIX, VerifierSettings

__all__ = ["app_from_env", "create_app"]

log = logging.getLogger("rotonde.verifier")
HERE = Path(__file__).parent
VERSION_TABLE = "verifier_alembic_version"


def secret_box(settings: VerifierSettings) -> SecretBox:
    """The KEK (and any previous KEKs) from the settings and environment."""
    return load_secret_box(ENV_PREFIX, dev=settings.dev, data_dir=settings.data_dir,
                           explicit=settings.kek)


def open_database(settings: VerifierSettings) -> Database:
    """The verifier's database, migrated to this code's schema (creates the data directory)."""
    settings.ensure_data_dir()
    db = Database(settings.effective_database_url, schema=settings.db_schema)
    migrate(db, HERE / "migrations", version_table=VERSION_TABLE)
    return db


def create_app(
    settings: VerifierSettings,
    *,
    clock: Clock | None = None,
    fetcher: Fetcher | None = None,
    resolver: Any = None,
    status_resolver: Any = None,
    trust_list: Any = None,
) -> FastAPI:
    """Build the verifier app; ``clock``, ``fetcher``, ``resolver``, ``status_resolver`` and
    ``trust_list`` are injectable (tests)."""
    settings = settings.validate()
    db = open_database(settings)
    clk = clock or SystemClock()
    box = secret_box(settings)
    policy = URLPolicy(allow_http=settings.dev, allow_private=settings.dev)
    fetch = fetcher or Fetcher(policy=policy)
    did = settings.client_id_did
    key = load_or_create_key(db, box, did, now=clk.now())
    doc = did_document(did, key)
    res = resolver or Resolver(fetcher=fetch)
    if trust_list is None:
        trust, trust_info = load_trust(settings, fetch)
    else:
        trust, trust_info = trust_list, {"source": "injected"}
    ctx = VerifierContext(
        settings=settings, db=db, box=box, clock=clk, fetcher=fetch,
        one_time=OneTimeStore(db, clock=clk), key=key, did_document=doc, resolver=res,
        status_resolver=status_resolver or StatusListResolver(fetch, clock=clk),
        trust_list=trust, trust_info=trust_info,
    )
    ctx.one_time.purge_expired(grace=3600)  # old single-use records of earlier runs
    from verifier.flows.templates import load_profiles

    default_profiles = HERE.parent / "examples" / "requirements"
    ctx.profiles = load_profiles(settings.profiles_dir or (
        default_profiles if default_profiles.is_dir() else None))
    app = base_app(
        settings, title="Rotonde verifier", docs_url=None, redoc_url=None,
        openapi_url="/api/openapi.json",
        body_limits=(("/scan", settings.max_upload_bytes + 64 * 1024),),
    )
    app.state.verifier = ctx
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from verifier.routes import api, auth, oid4vp, pages, vcapi

    for module in (oid4vp, api, vcapi, auth, pages):
        app.include_router(module.router)

    from verifier.routes._web import LoginRequired, PageError, render_error, wants_html

    @app.exception_handler(LoginRequired)
    async def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='/')}", status_code=303)

    @app.exception_handler(PageError)
    async def on_page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageError)
        return render_error(request, exc.status, exc.problem)

    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if wants_html(request):
            from rotonde.errors import Problem

            return render_error(request, exc.status_code, Problem(
                f"http.{exc.status_code}", "page not found" if exc.status_code == 404
                else "request not possible", "pagina niet gevonden" if exc.status_code == 404
                else "verzoek niet mogelijk"))
        return HttpProblem(exc.status_code, f"http.{exc.status_code}",
                           str(exc.detail)).response(instance=request.url.path)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return app


def app_from_env() -> FastAPI:
    """App factory for ``uvicorn --factory verifier.app:app_from_env`` (several workers or
    processes): settings from ``ROTONDE_VERIFIER_*`` environment variables."""
    from verifier.settings import load_settings

    return create_app(load_settings())
