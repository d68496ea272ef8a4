"""``create_app(settings)``: the issuer FastAPI application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from issuer.context import IssuerContext, open_context
from issuer.flows.batch import BatchWorker
from issuer.flows.issuing import purge_expired_details
from issuer.routes import api, didweb, oid4vci, pages, status, vcapi
from issuer.settings import IssuerSettings
from rotonde.clock import Clock
from servicekit import base_app

__all__ = ["app_from_env", "create_app"]

log = logging.getLogger("issuer")

DESCRIPTION = """\
Rotonde issuer: education providers define achievements, issue them to learners as
OpenID4VCI 1.0 credential offers (pre-authorized code + PIN), and revoke or suspend them.

* **Provider API** `/api/v1` — Bearer API key per tenant, with scopes.
* **OpenID4VCI** — per tenant issuer `…/tenants/{slug}`: metadata, token, nonce, credential.
* **Status** — Bitstring Status List credentials and Token Status List JWTs.
* **VC-API** — `/vc-api/credentials/issue` and `/vc-api/credentials/status`.

Errors are RFC 9457 problem+json (`errors`: field-level `pointer`, `code`, `message`,
`message_nl`); OAuth/OpenID endpoints answer with `error` / `error_description`.
"""


def create_app(
    settings: IssuerSettings,
    *,
    context: IssuerContext | None = None,
    clock: Clock | None = None,
    run_worker: bool = True,
) -> FastAPI:
    """Build the app. Opens (and migrates) the database unless a context is given."""
    ctx = context or open_context(settings, clock=clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await run_in_threadpool(purge_expired_details, ctx)
        except Exception:  # never block start-up on housekeeping
            log.exception("retention purge failed")
        worker = BatchWorker(ctx) if run_worker else None
        app.state.batch_worker = worker
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                await run_in_threadpool(worker.stop)  # joins the thread

    app = base_app(
        settings, title="Rotonde issuer", description=DESCRIPTION, lifespan=lifespan,
        body_limits=(("/api/v1/batches", settings.batch_max_bytes),),
    )
    app.state.ctx = ctx
    for module in (api, oid4vci, pages, status, didweb, vcapi):
        router: Any = module.router
        app.include_router(router)

    @app.get("/healthz", summary="Liveness probe", tags=["Service"],
             responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}})
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def app_from_env() -> FastAPI:
    """App factory for ``uvicorn --factory issuer.app:app_from_env`` (several workers or
    processes): settings from ``ROTONDE_ISSUER_*`` environment variables."""
    from issuer.settings import load_settings

    return create_app(load_settings())
