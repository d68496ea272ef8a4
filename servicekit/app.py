"""The base of every service app.

* :func:`base_app` — a FastAPI app with problem+json handlers, the body-size cap, security
  headers and log redaction.
* :func:`service_app` — the one ``create_app`` pattern of the three services: :func:`base_app`
  plus the lifespan of the app's :class:`~servicekit.resources.Resources`, the service's
  context on ``app.state``, its routers, static files, pages and ``/healthz``::

      def create_app(settings: WalletSettings, *, clock=None, fetcher=None) -> FastAPI:
          resources = Resources()             # what the app opens, closed at shutdown
          ctx = open_context(settings, resources, clock=clock, fetcher=fetcher)
          return service_app(ctx.settings, resources, title="Rotonde wallet",
                             state={"wallet": ctx},        # read by wallet/routes/deps.py
                             routers=[auth.router, credentials.router],
                             static=HERE / "static", pages=wallet_site(ctx.settings))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from servicekit.apidocs import install_api_docs
from servicekit.handlers import install_problem_handlers
from servicekit.logredact import install_log_redaction
from servicekit.pages import PageSite, install_page_handlers
from servicekit.resources import Resources
from servicekit.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from servicekit.settings import ServiceSettings

__all__ = ["base_app", "service_app"]


def base_app(
    settings: ServiceSettings,
    *,
    title: str,
    version: str = "1.0.0",
    description: str = "",
    body_limits: tuple[tuple[str, int], ...] = (),
    **fastapi_kwargs: Any,
) -> FastAPI:
    """A FastAPI app with problem+json handlers, the body-size cap and security headers.

    ``body_limits`` gives per-path-prefix caps that override ``settings.max_body_bytes``
    (e.g. a larger cap for a batch endpoint).
    """
    app = FastAPI(title=title, version=version, description=description, **fastapi_kwargs)
    install_log_redaction()  # no query strings (offer codes, request_uri) in access logs
    install_problem_handlers(app)
    # Starlette runs the last-added middleware first: the body cap is checked before anything
    # reads the body; the security headers wrap everything, the 413 answers included.
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=settings.max_body_bytes, path_limits=body_limits
    )
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.send_hsts)
    app.state.settings = settings
    return app


def service_app(
    settings: ServiceSettings,
    resources: Resources,
    *,
    title: str,
    routers: Iterable[APIRouter],
    state: Mapping[str, Any],
    static: Path | None = None,
    pages: PageSite | None = None,
    api_docs: bool = True,
    health_in_schema: bool = False,
    **base_kwargs: Any,
) -> FastAPI:
    """:func:`base_app` whose lifespan starts and closes ``resources``, with ``state`` on
    ``app.state``, ``routers``, ``static`` mounted at ``/static``, the error pages of ``pages``
    (:func:`servicekit.pages.install_page_handlers`) and the liveness probe ``GET /healthz``.
    With ``api_docs`` the interactive documentation (Swagger UI at ``/docs``, ReDoc at
    ``/redoc``) is served from the service's own files (:mod:`servicekit.apidocs`, no CDN);
    without it there is none, only ``/api/openapi.json``."""
    base_kwargs.update(docs_url=None, redoc_url=None)
    if not api_docs:
        base_kwargs.update(openapi_url="/api/openapi.json")
    app = base_app(settings, title=title, lifespan=resources.lifespan, **base_kwargs)
    if api_docs and app.openapi_url:
        install_api_docs(app, openapi_url=app.openapi_url)
    app.state.resources = resources
    for name, value in state.items():
        setattr(app.state, name, value)
    if static is not None:
        app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in routers:
        app.include_router(router)

    @app.get("/healthz", summary="Liveness probe", tags=["Service"],
             include_in_schema=health_in_schema,
             responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}})
    def healthz() -> dict[str, str]:
        """Liveness probe for load balancers (no session, no database access)."""
        return {"status": "ok"}

    if pages is not None:
        install_page_handlers(app, pages)
    return app
