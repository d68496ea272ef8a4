"""The wallet's service container: settings, database, secret box, clock, the one Fetcher,
the single-use store and the learners' outbound slots; opened once by
:func:`wallet.app.create_app` (or an operator command) with :func:`open_context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rotonde.clock import Clock, SystemClock
from rotonde.http import Fetcher, URLPolicy
from servicekit.crypto import SecretBox, service_secret_box
from servicekit.db import Database
from servicekit.db import open_database as open_service_database
from servicekit.replay import OneTimeStore
from servicekit.resources import Resources
from wallet.flows._http import DevFetcher
from wallet.outbound import OutboundLimit
from wallet.settings import ENV_PREFIX, WalletSettings

__all__ = ["MIGRATIONS", "WalletContext", "open_context", "open_database", "secret_box"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclass
class WalletContext:
    """Everything the routes share (``Ctx`` in :mod:`wallet.routes.deps`)."""

    settings: WalletSettings
    db: Database
    box: SecretBox
    clock: Clock
    fetcher: Fetcher
    one_time: OneTimeStore
    #: The learners' outbound slots (:mod:`wallet.outbound`).
    outbound: OutboundLimit
    extra: dict[str, Any] = field(default_factory=dict)


def open_database(settings: WalletSettings) -> Database:
    """The wallet's database, migrated to this code's schema."""
    return open_service_database(settings, MIGRATIONS)


def secret_box(settings: WalletSettings) -> SecretBox:
    """The KEK (and any previous KEKs) from the settings and environment."""
    return service_secret_box(settings, ENV_PREFIX)


def open_context(
    settings: WalletSettings, resources: Resources, *, clock: Clock | None = None,
    fetcher: Fetcher | None = None, extra: dict[str, Any] | None = None,
) -> WalletContext:
    """Validate the settings, open and migrate the database, load the KEK, build the one
    outbound Fetcher (loopback and http only in development mode) and load the trust list.
    What is opened here is closed with ``resources``; a given ``fetcher`` stays the caller's."""
    settings = settings.validate()
    db = open_database(settings)
    resources.own("database", db.dispose)
    box = secret_box(settings)
    clk = clock or SystemClock()
    if fetcher is None:
        policy = URLPolicy(allow_http=settings.dev, allow_private=settings.dev)
        fetcher = DevFetcher(policy=policy) if settings.dev else Fetcher(policy=policy)
        resources.own("fetcher", fetcher.close)
    one_time = OneTimeStore(db, clock=clk)
    ctx = WalletContext(
        settings=settings, db=db, box=box, clock=clk, fetcher=fetcher, one_time=one_time,
        outbound=OutboundLimit(one_time, concurrent=settings.fetch_concurrency,
                               limit=settings.fetch_limit, window=settings.fetch_window),
        extra=dict(extra or {}),
    )
    if settings.trust_list:
        from rotonde.trust import load_trust_list

        ctx.extra.setdefault("trust_list", load_trust_list(Path(settings.trust_list),
                                                           clock=clk))
    return ctx
