"""``base_app(settings)``: a FastAPI app with Rotonde's error handling and security middlewares."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from servicekit.handlers import install_problem_handlers
from servicekit.logredact import install_log_redaction
from servicekit.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from servicekit.settings import ServiceSettings

__all__ = ["base_app"]


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
