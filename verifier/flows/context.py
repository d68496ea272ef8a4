"""Everything a verifier use case needs, built once at start-up (:func:`open_context`) and
injected into routes (``Ctx`` in :mod:`verifier.routes.deps`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rotonde.clock import Clock, SystemClock
from rotonde.did import DidResolver
from rotonde.http import Fetcher, URLPolicy
from rotonde.keys import PrivateKey
from rotonde.verify import StatusResolver, TrustPolicy
from servicekit.crypto import SecretBox, service_secret_box
from servicekit.db import Database
from servicekit.db import open_database as open_service_database
from servicekit.replay import OneTimeStore
from servicekit.resources import Resources
from verifier.settings import ENV_PREFIX, VerifierSettings

__all__ = ["MIGRATIONS", "VERSION_TABLE", "VerifierContext", "WebhookSender", "open_context",
           "open_database", "secret_box"]

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations"
VERSION_TABLE = "verifier_alembic_version"

#: A webhook transport: ``(url, body, headers) -> HTTP status``.
WebhookSender = Callable[[str, bytes, dict[str, str]], int]


@dataclass
class VerifierContext:
    settings: VerifierSettings
    db: Database
    box: SecretBox
    clock: Clock
    fetcher: Fetcher
    one_time: OneTimeStore
    key: PrivateKey
    did_document: dict[str, Any]
    resolver: DidResolver
    status_resolver: StatusResolver
    trust_list: TrustPolicy | None = None
    trust_info: dict[str, Any] = field(default_factory=dict)
    #: tests may replace the webhook transport (else the Fetcher posts)
    webhook_sender: WebhookSender | None = None
    #: requirement profiles offered on the ask page, by id
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def client_id(self) -> str:
        return "decentralized_identifier:" + self.settings.client_id_did

    @property
    def kid(self) -> str:
        return str(self.key.kid)


def open_database(settings: VerifierSettings) -> Database:
    """The verifier's database, migrated to this code's schema (own Alembic version table)."""
    return open_service_database(settings, MIGRATIONS, version_table=VERSION_TABLE)


def secret_box(settings: VerifierSettings) -> SecretBox:
    """The KEK (and any previous KEKs) from the settings and environment."""
    return service_secret_box(settings, ENV_PREFIX)


def open_context(
    settings: VerifierSettings, resources: Resources, *, clock: Clock | None = None,
    fetcher: Fetcher | None = None, resolver: DidResolver | None = None,
    status_resolver: StatusResolver | None = None, trust_list: TrustPolicy | None = None,
) -> VerifierContext:
    """Validate the settings, open and migrate the database, load the KEK and the request
    signing key, build the one outbound Fetcher (http and loopback only in development mode),
    the DID resolver, the caching status resolver, the trust list (a signed list that fails its
    signature check refuses start-up) and the requirement profiles. What is opened here is
    closed with ``resources``; what is given stays the caller's."""
    from rotonde.did import Resolver
    from rotonde.status.resolver import StatusListResolver
    from verifier.flows.keys import did_document, load_or_create_key
    from verifier.flows.templates import load_profiles
    from verifier.flows.trust import load_trust

    settings = settings.validate()
    db = open_database(settings)
    resources.own("database", db.dispose)
    clk = clock or SystemClock()
    box = secret_box(settings)
    if fetcher is None:
        fetcher = Fetcher(policy=URLPolicy(allow_http=settings.dev, allow_private=settings.dev))
        resources.own("fetcher", fetcher.close)
    did = settings.client_id_did
    key = load_or_create_key(db, box, did, now=clk.now())
    trust: TrustPolicy | None
    if trust_list is None:
        trust, trust_info = load_trust(settings, fetcher)
    else:
        trust, trust_info = trust_list, {"source": "injected"}
    ctx = VerifierContext(
        settings=settings, db=db, box=box, clock=clk, fetcher=fetcher,
        one_time=OneTimeStore(db, clock=clk), key=key, did_document=did_document(did, key),
        resolver=resolver or Resolver(fetcher=fetcher),
        status_resolver=status_resolver or StatusListResolver(fetcher, clock=clk),
        trust_list=trust, trust_info=trust_info,
    )
    ctx.one_time.purge_expired(grace=3600)  # old single-use records of earlier runs
    default_profiles = ROOT.parent / "examples" / "requirements"
    ctx.profiles = load_profiles(settings.profiles_dir or (
        default_profiles if default_profiles.is_dir() else None))
    return ctx
