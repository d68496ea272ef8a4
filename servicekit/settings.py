"""Base settings shared by the three services, validated at start-up.

Every service has a frozen settings dataclass that extends :class:`ServiceSettings`. Values come
from keyword arguments (tests, CLI flags) or from environment variables with a per-service
prefix (``ROTONDE_ISSUER_``, ``ROTONDE_WALLET_``, ``ROTONDE_VERIFIER_``):

=====================  ==========================================================================
``DEV``                ``1``/``true``: development mode (http public URL allowed, generated KEK)
``DATA_DIR``           directory for the SQLite database and dev secrets
``DATABASE_URL``       SQLAlchemy URL; default ``sqlite:///<data_dir>/<service>.sqlite3``;
                       PostgreSQL as ``postgresql+psycopg://user@host/db``
``PUBLIC_URL``         the externally visible base URL (``https://...``; http only in dev mode)
``MAX_BODY_BYTES``     request body cap (default 1 MiB)
=====================  ==========================================================================

Each variable is converted according to its field's type (:mod:`servicekit.envsettings`).

:meth:`ServiceSettings.validate` refuses unsafe combinations outside development mode instead
of silently defaulting to them (docs/architecture.md §5).
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit

from rotonde.errors import ConfigurationError
from servicekit.envsettings import EnvLoader, env_flag, settings_from_env

__all__ = [
    "EnvLoader", "ServiceSettings", "env_flag", "settings_from_env", "settings_loader",
]

S = TypeVar("S", bound="ServiceSettings")


@dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    """Settings common to every service. Subclass with ``@dataclass(frozen=True, kw_only=True)``."""

    #: Service name, used for the default database file and the env prefix.
    service: str = "service"
    dev: bool = False
    data_dir: Path = Path("data")
    database_url: str = ""
    public_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 1024 * 1024
    #: Requests one client may make to a rate-limited endpoint (token, credential, response)
    #: per ``rate_window`` seconds, across all workers (:mod:`servicekit.ratelimit`).
    rate_limit: int = 120
    rate_window: int = 60
    #: Send Strict-Transport-Security; default: when the public URL is https.
    hsts: bool | None = None
    #: PostgreSQL schema to use (tests use a fresh one per run); ignored for SQLite.
    db_schema: str | None = None
    #: Key-encryption key (base64url, 32 bytes) sealing the secrets at rest; normally from
    #: ``<PREFIX>KEK`` or ``<PREFIX>KEK_FILE`` (:mod:`servicekit.crypto`).
    kek: str = ""

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / f'{self.service}.sqlite3').as_posix()}"

    @property
    def send_hsts(self) -> bool:
        return self.hsts if self.hsts is not None else self.public_url.startswith("https://")

    @property
    def base_url(self) -> str:
        """``public_url`` without a trailing slash."""
        return self.public_url.rstrip("/")

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)

    def validate(self) -> Self:
        """Check the settings; raise :class:`ConfigurationError` naming the first bad value."""
        parts = urlsplit(self.public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise _bad("public_url", f"public URL {self.public_url!r} is not an http(s) URL")
        if parts.query or parts.fragment:
            raise _bad("public_url", "public URL must not have a query or fragment")
        if parts.scheme != "https" and not self.dev:
            raise _bad(
                "public_url",
                "public URL must use https outside development mode (use --dev for local http)",
            )
        if not 0 < self.port < 65536:
            raise _bad("port", f"port {self.port} is out of range")
        if not 1024 <= self.max_body_bytes <= 512 * 1024 * 1024:
            raise _bad("max_body_bytes", "max_body_bytes must be between 1 KiB and 512 MiB")
        if self.rate_limit < 1 or self.rate_window < 1:
            raise _bad("rate_limit", "rate_limit and rate_window must be at least 1")
        url = self.effective_database_url
        if not url.startswith(("sqlite:", "postgresql+psycopg:", "postgresql:")):
            raise _bad("database_url", "database URL must be sqlite:// or postgresql+psycopg://")
        if self.db_schema is not None and not self.db_schema.replace("_", "").isalnum():
            raise _bad("db_schema", "db_schema must be letters, digits and underscores")
        return self

    def ensure_data_dir(self) -> Path:
        """Create the data directory and check it is writable (clear error otherwise)."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.data_dir, prefix=".write-test-"):
                pass
        except OSError as exc:
            raise ConfigurationError(
                "config.data_dir_unwritable",
                f"data directory {self.data_dir} is not writable: {exc.strerror or exc}",
                message_nl=f"datamap {self.data_dir} is niet schrijfbaar: {exc.strerror or exc}",
            ) from None
        return self.data_dir


def _bad(name: str, message: str) -> ConfigurationError:
    return ConfigurationError(
        f"config.invalid_{name}", message, message_nl=f"ongeldige instelling {name}: {message}"
    )


def settings_loader(cls: type[S], prefix: str) -> Callable[..., S]:
    """``load(environ=None, **overrides)``: settings of ``cls`` from ``<prefix><FIELD>``
    variables, overridden by keyword arguments, validated. Every field's converter is chosen
    now (:class:`~servicekit.envsettings.EnvLoader`), so call it at import."""
    from_env = EnvLoader(cls, prefix)

    def load(environ: Mapping[str, str] | None = None, **overrides: Any) -> S:
        return from_env(environ, **overrides).validate()

    load.__doc__ = f"Settings from ``{prefix}*`` variables plus overrides, validated."
    return load
