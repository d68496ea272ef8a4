"""``create_app(settings)``: the verifier web app.

Start-up validates the settings, applies the Alembic migrations (version table
``verifier_alembic_version``), loads the KEK and the request-signing key, builds the one
outbound :class:`rotonde.http.Fetcher` (http and loopback only in development mode), the DID
resolver, the caching status resolver and the trust list — :func:`verifier.flows.context.
open_context`; the app's lifespan disposes of the database and closes that Fetcher at
shutdown. JSON routes answer problem+json / OAuth errors; pages render an error page; nothing
answers with a stack trace.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from rotonde.clock import Clock
from rotonde.did import DidResolver
from rotonde.http import Fetcher
from rotonde.verify import StatusResolver, TrustPolicy
from servicekit.app import service_app
from servicekit.resources import Resources
from verifier.flows.context import open_context
from verifier.pages import verifier_site
from verifier.routes import api, auth, oid4vp, pages, vcapi
from verifier.settings import VerifierSettings

__all__ = ["app_from_env", "create_app"]

HERE = Path(__file__).parent


def create_app(
    settings: VerifierSettings,
    *,
    clock: Clock | None = None,
    fetcher: Fetcher | None = None,
    resolver: DidResolver | None = None,
    status_resolver: StatusResolver | None = None,
    trust_list: TrustPolicy | None = None,
) -> FastAPI:
    """Build the verifier app; ``clock``, ``fetcher``, ``resolver``, ``status_resolver`` and
    ``trust_list`` are injectable (tests; what is given stays the caller's to close)."""
    resources = Resources()
    ctx = open_context(settings, resources, clock=clock, fetcher=fetcher, resolver=resolver,
                       status_resolver=status_resolver, trust_list=trust_list)
    settings = ctx.settings
    return service_app(
        settings, resources, title="Rotonde verifier", state={"verifier": ctx},
        routers=[m.router for m in (oid4vp, api, vcapi, auth, pages)], static=HERE / "static",
        pages=verifier_site(settings), api_docs=False,
        body_limits=(("/scan", settings.max_upload_bytes + 64 * 1024),),
    )


def app_from_env() -> FastAPI:
    """App factory for ``uvicorn --factory verifier.app:app_from_env`` (several workers or
    processes): settings from ``ROTONDE_VERIFIER_*`` environment variables."""
    from verifier.settings import load_settings

    return create_app(load_settings())
