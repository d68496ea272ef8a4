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

:meth:`ServiceSettings.validate` refuses unsafe combinations outside development mode instead
of silently defaulting to them (DESIGN.md §5).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit

from rotonde.errors import ConfigurationError

__all__ = ["ServiceSettings", "env_flag", "settings_from_env"]

S = TypeVar("S", bound="ServiceSettings")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_flag(value: str | None, *, name: str = "flag") -> bool:
    """Parse a boolean environment value; anything unrecognised is a configuration error."""
    if value is None:
        return False
    low = value.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ConfigurationError(
        "config.invalid_flag",
        f"{name} must be true or false, not {value!r}",
        message_nl=f"{name} moet true of false zijn, niet {value!r}",
    )


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


def settings_from_env(
    cls: type[S],
    prefix: str,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> S:
    """Build settings of type ``cls`` from ``<prefix><FIELD>`` environment variables.

    Explicit ``overrides`` (e.g. from CLI flags; ``None`` values are ignored) win over the
    environment. Field types bool/int/Path/str are converted; bad values raise
    :class:`ConfigurationError`.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    hints = {f.name: f for f in dataclasses.fields(cls)}
    for name, f in hints.items():
        key = prefix + name.upper()
        if key not in env:
            continue
        raw = env[key]
        kind = str(f.type)
        try:
            if "bool" in kind:
                values[name] = env_flag(raw, name=key)
            elif kind.startswith("int"):
                values[name] = int(raw)
            elif "Path" in kind:
                values[name] = Path(raw)
            elif "tuple" in kind:
                values[name] = tuple(x.strip() for x in raw.split(",") if x.strip())
            else:
                values[name] = raw
        except ValueError:
            raise ConfigurationError(
                "config.invalid_value",
                f"{key} has an invalid value",
                message_nl=f"{key} heeft een ongeldige waarde",
            ) from None
    values.update({k: v for k, v in overrides.items() if v is not None})
    unknown = set(values) - set(hints)
    if unknown:
        raise ConfigurationError(
            "config.unknown_setting",
            f"unknown settings: {sorted(unknown)}",
            message_nl=f"onbekende instellingen: {sorted(unknown)}",
        )
    return cls(**values)
