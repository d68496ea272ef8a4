"""The PostgreSQL path: migrations, concurrent issuance (no status index used twice), a
pre-authorized code redeemed by racing workers exactly once, and the HTTP flow — each run in a
fresh schema of the database "test" at 127.0.0.1:5432."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from issuer import models
from issuer.context import IssuerContext, open_context
from issuer.flows.catalogue import create_achievement
from issuer.flows.issuing import issue_to_learner
from issuer.flows.redeem import exchange_token
from issuer.flows.tenants import create_tenant
from issuer.settings import IssuerSettings
from rotonde.oid4vci import OID4VCIError
from tests.issuer._support import free_port, template
from tests.pg import fresh_schema

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_ctx(tmp_path: Path) -> Iterator[IssuerContext]:
    with fresh_schema("rotonde_issuer") as (url, schema):
        port = free_port()
        settings = IssuerSettings(dev=True, data_dir=tmp_path, database_url=url, db_schema=schema,
                                  port=port, public_url=f"http://127.0.0.1:{port}")
        ctx = open_context(settings)
        try:
            yield ctx
        finally:
            ctx.db.dispose()


def test_migrations_landed_in_the_fresh_schema(pg_ctx: IssuerContext) -> None:
    assert pg_ctx.db.dialect == "postgresql"
    with pg_ctx.db.engine.connect() as conn:
        tables = {r[0] for r in conn.execute(text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
            {"s": pg_ctx.settings.db_schema})}
    assert {"tenants", "issued", "status_entries", "rotonde_one_time", "alembic_version"} <= tables


def test_concurrent_issuance_never_reuses_an_index(pg_ctx: IssuerContext) -> None:
    tenant = create_tenant(pg_ctx, slug="pg-roc", name_nl="PG", name_en="PG")
    ach = create_achievement(pg_ctx, tenant, template(), actor="test")
    # A small random range makes collisions between workers likely; they must all retry.
    pg_ctx.rng = _NarrowRandom(400)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(25):
                issue_to_learner(pg_ctx, tenant, achievement_id=ach["id"],
                                 learner={"name": f"L{n}-{i}"}, actor="test")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with pg_ctx.db.session() as s:
        rows = s.connection().execute(select(models.issued.c.list_id, models.issued.c.idx)).all()
        entries = s.connection().execute(select(models.status_entries)).all()
    assert len(rows) == 200 == len(entries)
    assert len({(r.list_id, r.idx) for r in rows}) == 200


class _NarrowRandom:
    def __init__(self, span: int) -> None:
        import random

        self._r = random.Random(7)
        self._lock = threading.Lock()
        self.span = span

    def randrange(self, n: int) -> int:
        with self._lock:
            return self._r.randrange(min(n, self.span))


def test_racing_redemptions_succeed_once(pg_ctx: IssuerContext) -> None:
    tenant = create_tenant(pg_ctx, slug="pg-race", name_nl="PG", name_en="PG")
    ach = create_achievement(pg_ctx, tenant, template(), actor="test")
    result = issue_to_learner(pg_ctx, tenant, achievement_id=ach["id"],
                              learner={"name": "Race"}, actor="test")
    from issuer.flows.issuing import offer_document
    from rotonde.oid4vci import PRE_AUTHORIZED_GRANT, token_request

    code = offer_document(pg_ctx, tenant, result.offer_id)["grants"][PRE_AUTHORIZED_GRANT][
        "pre-authorized_code"]
    outcomes: list[Any] = []
    barrier = threading.Barrier(6)

    def redeem() -> None:
        barrier.wait()
        try:
            outcomes.append(exchange_token(pg_ctx, tenant, token_request(code, result.tx_code)))
        except OID4VCIError as exc:  # the flow raises the domain error; routes map it
            outcomes.append(exc.error)

    threads = [threading.Thread(target=redeem) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(o, dict) for o in outcomes) == 1
    assert sorted(o for o in outcomes if isinstance(o, str)) == ["invalid_grant"] * 5


def test_http_flow_on_postgres(pg_ctx: IssuerContext) -> None:
    from tests.issuer._support import LiveIssuer, start_server, wallet

    live: LiveIssuer = start_server(pg_ctx.settings, context=pg_ctx)
    try:
        _, token = live.tenant("pg-http")
        with live.client(token) as api:
            ach = api.post("/api/v1/achievements", json=template()).json()
            issued = api.post("/api/v1/credentials", json={
                "achievement_id": ach["id"], "learner": {"name": "PG"}}).json()
        w = wallet()
        offer = w.fetch_offer(issued["offer"]["offer_uri"])
        meta = w.metadata(offer.credential_issuer)
        access = w.token(offer.credential_issuer, offer.pre_authorized_code,
                         issued["offer"]["tx_code"]).json()["access_token"]
        r = w.credential(meta, access, "microcredential_sd_jwt",
                         [w.proof(offer.credential_issuer, w.nonce(meta))])
        assert r.status_code == 200, r.text
    finally:
        live.server.should_exit = True
