"""Shared web plumbing for the issuer, wallet and verifier services.

This is the only part of ``rotonde`` that imports FastAPI/Starlette/SQLAlchemy/Alembic. The
pure core never imports it.

Quick start for a service (see ``issuer/app.py`` for a full example)::

    from dataclasses import dataclass
    from servicekit import (
        Database, HttpProblem, OAuthError, OneTimeStore, SecretBox, ServiceSettings,
        base_app, load_secret_box, migrate, settings_from_env,
    )

    @dataclass(frozen=True, kw_only=True)
    class WalletSettings(ServiceSettings):
        service: str = "wallet"
        port: int = 8002

    settings = settings_from_env(WalletSettings, "ROTONDE_WALLET_", dev=True).validate()
    settings.ensure_data_dir()                      # clear error if not writable
    db = Database(settings.effective_database_url, schema=settings.db_schema)
    migrate(db, Path(__file__).parent / "migrations")  # Alembic, refuses a newer schema
    box = load_secret_box("ROTONDE_WALLET_", dev=settings.dev, data_dir=settings.data_dir)
    nonces = OneTimeStore(db)                        # single-use values across workers
    app = base_app(settings, title="Rotonde wallet")  # problem+json, CSP, body cap, no-store

Pieces:

* :mod:`servicekit.problem` — :class:`HttpProblem` (RFC 9457 problem+json with field-level
  ``errors``), :class:`OAuthError` (``{"error", "error_description"}`` for OAuth/OpenID
  endpoints); :class:`~rotonde.errors.RotondeError` raised in a route becomes problem+json
  automatically (ValidationError 422, ParseError 400, PolicyError 403, ...).
* :mod:`servicekit.settings` — :class:`ServiceSettings` (dev flag, data dir, database URL,
  public URL, body cap) and :func:`settings_from_env`.
* :mod:`servicekit.db` — :class:`Database`, :func:`migrate`; a service's
  ``migrations/env.py`` is just ``from servicekit.db import run_env; run_env(metadata)``.
* :mod:`servicekit.security` — security headers (CSP without inline script, frame-ancestors
  'none', nosniff, Referrer-Policy, HSTS, ``Cache-Control: no-store`` unless a route sets its
  own) and the body-size cap (413 before parsing).
* :mod:`servicekit.crypto` — :class:`SecretBox` (AES-256-GCM, with previous KEKs for
  rotation), :func:`load_kek`, :func:`load_secret_box`.
* :mod:`servicekit.rekey` — :func:`rekey`: re-seal stored secrets under a new KEK.
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
