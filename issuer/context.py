"""The issuer's service container: settings, database, secret box, single-use store, clock and
the one outbound :class:`~rotonde.http.Fetcher` (batch webhooks)."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, insert

from issuer import models
from issuer.settings import ENV_PREFIX, IssuerSettings
from rotonde.clock import Clock, SystemClock
from rotonde.http import Fetcher, URLPolicy
from servicekit.crypto import SecretBox, service_secret_box
from servicekit.db import Database, open_database
from servicekit.replay import OneTimeStore
from servicekit.resources import Resources

__all__ = ["MIGRATIONS", "IssuerContext", "Randomness", "StatusCacheEntry", "new_id", "open_context"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def new_id() -> str:
    return str(uuid.uuid4())


class Randomness(Protocol):
    """Where status-list indices and transaction codes are drawn from (a CSPRNG in service)."""

    def randrange(self, stop: int, /) -> int: ...


#: A signed status list as last rendered: (ETag, body, media type, rendered at).
StatusCacheEntry = tuple[str, bytes, str, float]


@dataclass
class IssuerContext:
    settings: IssuerSettings
    db: Database
    box: SecretBox
    once: OneTimeStore
    clock: Clock = field(default_factory=SystemClock)
    rng: Randomness = field(default=secrets.SystemRandom())
    #: Signed status lists by (tenant id, list number, purpose).
    status_cache: dict[tuple[str, int, str], StatusCacheEntry] = field(default_factory=dict)
    #: The one outbound HTTP client (batch webhooks); None: nothing is sent.
    fetcher: Fetcher | None = None

    def now(self) -> float:
        return self.clock.now()

    def tenant_base(self, slug: str) -> str:
        """The tenant's Credential Issuer Identifier (OpenID4VCI §12.2.1)."""
        return f"{self.settings.base_url}/tenants/{slug}"

    def audit(
        self, conn: Connection, *, tenant_id: str | None, actor: str, action: str,
        target: str | None = None, reason: str | None = None,
    ) -> None:
        """Record an administrative action (who, what, which object; never personal data)."""
        conn.execute(
            insert(models.audit_log).values(
                tenant_id=tenant_id, actor=actor, action=action, target=target,
                reason=reason, at=self.now(),
            )
        )


def open_context(
    settings: IssuerSettings, resources: Resources | None = None, *, clock: Clock | None = None,
    environ: dict[str, str] | None = None, fetcher: Fetcher | None = None,
) -> IssuerContext:
    """Validate settings, open and migrate the database, load the KEK. With ``resources``
    the database is disposed when they are closed (the app's shutdown), and the context gets
    the outbound Fetcher (http and loopback only in development mode), closed with them too;
    a ``fetcher`` given stays the caller's."""
    settings.validate()
    db = open_database(settings, MIGRATIONS)
    if resources is not None:
        resources.own("database", db.dispose)
    box = service_secret_box(settings, ENV_PREFIX, environ)
    clk = clock or SystemClock()
    if fetcher is None and resources is not None:
        fetcher = Fetcher(policy=URLPolicy(allow_http=settings.dev, allow_private=settings.dev))
        resources.own("fetcher", fetcher.close)
    return IssuerContext(settings, db, box, OneTimeStore(db, clock=clk), clk, fetcher=fetcher)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
