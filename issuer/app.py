"""``create_app(settings)``: the issuer FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from issuer.context import IssuerContext, open_context
from issuer.flows.batch import BatchWorker
from issuer.flows.issuing import purge_expired_details
from issuer.routes import api, didweb, landing, oid4vci, pages, status, vcapi, vocab
from issuer.settings import IssuerSettings
from rotonde.clock import Clock
from servicekit.app import service_app
from servicekit.resources import Resources

__all__ = ["app_from_env", "create_app"]

DESCRIPTION = """\
Rotonde issuer: education providers define achievements, issue them to learners as
OpenID4VCI 1.0 credential offers (pre-authorized code + PIN), and revoke or suspend them.

* **Provider API** `/api/v1` — Bearer API key per tenant, with scopes.
* **OpenID4VCI** — per tenant issuer `…/tenants/{slug}`: metadata, token, nonce, credential.
* **Status** — Bitstring Status List credentials and Token Status List JWTs.
* **VC-API** — `/vc-api/credentials/issue` and `/vc-api/credentials/status`.
* **Landing page** `/` — the providers issuing here, in Dutch or English (JSON with
  `Accept: application/json`).

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
    """Build the app. Opens (and migrates) the database unless a ``context`` is given (that
    one stays the caller's to close); the lifespan purges expired record details, runs the
    batch worker and, at shutdown, stops it and disposes the database this app opened."""
    resources = Resources()
    ctx = context or open_context(settings, resources, clock=clock)
    resources.on_startup("retention purge", lambda: purge_expired_details(ctx), required=False)
    worker = BatchWorker(ctx) if run_worker else None
    if worker is not None:
        resources.worker("batch worker", worker.start, worker.stop)
    return service_app(
        settings, resources, title="Rotonde issuer", description=DESCRIPTION,
        routers=[landing.router, api.router, oid4vci.router, pages.router, status.router,
                 didweb.router, vcapi.router, vocab.router],
        state={"ctx": ctx, "batch_worker": worker}, health_in_schema=True,
        body_limits=(("/api/v1/batches", settings.batch_max_bytes),),
        pages=landing.issuer_site(settings),
    )


def app_from_env() -> FastAPI:
    """App factory for ``uvicorn --factory issuer.app:app_from_env`` (several workers or
    processes): settings from ``ROTONDE_ISSUER_*`` environment variables."""
    from issuer.settings import load_settings

    return create_app(load_settings())
