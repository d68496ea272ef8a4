"""Shared web plumbing for the issuer, wallet and verifier services.

This is the only part of ``rotonde`` that imports FastAPI/Starlette/SQLAlchemy/Alembic. The
pure core never imports it.

Every service's ``create_app`` has the same shape (``issuer/app.py``, ``wallet/app.py``,
``verifier/app.py``)::

    def create_app(settings: WalletSettings, *, clock=None, fetcher=None) -> FastAPI:
        resources = Resources()                     # closed when the app shuts down
        ctx = open_context(settings, resources, clock=clock, fetcher=fetcher)
        return service_app(ctx.settings, resources, title="Rotonde wallet",
                           state={"wallet": ctx}, routers=[auth.router, ...],
                           static=HERE / "static", pages=wallet_site(ctx.settings))

where ``open_context`` validates the settings, opens the database
(:func:`servicekit.db.open_database`: migrated, disposed with ``resources``), loads the KEK
(:func:`servicekit.crypto.service_secret_box`) and builds the one Fetcher; routes get the
context and the signed-in person from the service's ``routes/deps.py`` (``Ctx``, ``User``,
``Staff``: ``Annotated[..., Depends(...)]``). Settings: ``load_settings =
settings_loader(WalletSettings, "ROTONDE_WALLET_")`` (typed, :mod:`servicekit.envsettings`);
``rotonde <service> serve``: :func:`servicekit.serving.add_serve_arguments` and
:func:`servicekit.serving.serve_command`.

Pieces:

* :mod:`servicekit.problem` — :class:`HttpProblem` (RFC 9457 problem+json with field-level
  ``errors``), :class:`OAuthError` (``{"error", "error_description"}`` for OAuth/OpenID
  endpoints); :class:`~rotonde.errors.RotondeError` raised in a route becomes problem+json
  automatically (ValidationError 422, ParseError 400, PolicyError 403, ...).
* :mod:`servicekit.app` — :func:`base_app`, :func:`service_app`;
  :mod:`servicekit.resources` — :class:`Resources` (start-up tasks, workers, closers).
* :mod:`servicekit.pages` — the one page layer (language, rendering, CSRF, error pages);
  :mod:`servicekit.templating`, :mod:`servicekit.formats`.
* :mod:`servicekit.settings` — :class:`ServiceSettings` (dev flag, data dir, database URL,
  public URL, body cap, KEK) and :func:`settings_loader`; :mod:`servicekit.envsettings` — the
  typed environment loader.
* :mod:`servicekit.db` — :class:`Database`, :func:`migrate`; a service's
  ``migrations/env.py`` is just ``from servicekit.db import run_env; run_env(metadata)``.
* :mod:`servicekit.security` — security headers (CSP without inline script, frame-ancestors
  'none', nosniff, Referrer-Policy, HSTS, ``Cache-Control: no-store`` unless a route sets its
  own) and the body-size cap (413 before parsing).
* :mod:`servicekit.crypto` — :class:`SecretBox` (AES-256-GCM, with previous KEKs for
  rotation), :func:`load_kek`, :func:`load_secret_box`.
* :mod:`servicekit.rekey` — :func:`rekey`: re-seal stored secrets under a new KEK.
* :mod:`servicekit.apidocs` — Swagger UI (``/docs``) and ReDoc (``/redoc``) from the shipped
  files in ``servicekit/static/apidocs`` (no CDN); :mod:`servicekit.webhooks` — the one
  webhook signature (``X-Rotonde-Signature``) and its check.
* :mod:`servicekit.replay` — :class:`OneTimeStore`: issue / consume / remember single-use
  values; add its table to your migrations with ``servicekit.replay.create_table(op)``.
"""

from __future__ import annotations

from servicekit.app import base_app
from servicekit.crypto import SecretBox, load_kek, load_secret_box
from servicekit.db import Database, create_engine_for, migrate, run_env
from servicekit.handlers import install_problem_handlers
from servicekit.problem import (
    PROBLEM_MEDIA_TYPE,
    HttpProblem,
    OAuthError,
    oauth_response,
    problem_response,
    status_for_error,
)
from servicekit.replay import OneTimeStore, Redeemed
from servicekit.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from servicekit.settings import ServiceSettings, env_flag, settings_from_env

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "BodyLimitMiddleware",
    "Database",
    "HttpProblem",
    "OAuthError",
    "OneTimeStore",
    "Redeemed",
    "SecretBox",
    "SecurityHeadersMiddleware",
    "ServiceSettings",
    "base_app",
    "create_engine_for",
    "env_flag",
    "install_problem_handlers",
    "load_kek",
    "load_secret_box",
    "migrate",
    "oauth_response",
    "problem_response",
    "run_env",
    "settings_from_env",
    "status_for_error",
]
