"""The wallet on PostgreSQL (ROTONDE_WALLET_DATABASE_URL): migrations, sign-up, a credential
received and stored encrypted, account deletion. Required in CI; skipped elsewhere when no
PostgreSQL answers at 127.0.0.1:5432 (database ``test``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from tests.conftest import require
from tests.wallet.wallet_helpers import PASSWORD, Learner, make_settings
from tests.wallet.wallet_peers import MiniIssuer
from wallet.app import create_app
from wallet.settings import load_settings

pytestmark = pytest.mark.postgres


def _pg_url() -> str | None:
    for user in ("postgres", "root"):
        url = f"postgresql+psycopg://{user}@127.0.0.1:5432/test"
        try:
            engine = create_engine(url, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            return url
        except Exception:
            continue
    return None


@pytest.fixture
def pg_client(tmp_path: Path) -> Iterator[TestClient]:
    url = _pg_url()
    require(url is not None, "PostgreSQL at 127.0.0.1:5432 (database test) is not reachable")
    assert url is not None
    schema = f"rotonde_wallet_{uuid.uuid4().hex[:12]}"
    base = make_settings(tmp_path)
    settings = load_settings({"ROTONDE_WALLET_DATABASE_URL": url}, dev=True,
                             data_dir=tmp_path, kek=base.kek, db_schema=schema,
                             public_url="http://testserver")
    app = create_app(settings)
    try:
        with TestClient(app) as c:
            yield c
    finally:
        app.state.wallet.db.dispose()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def test_wallet_on_postgres(pg_client: TestClient, issuer: MiniIssuer) -> None:
    assert pg_client.app.state.wallet.db.dialect == "postgresql"  # type: ignore[attr-defined]
    person = Learner(pg_client)
    assert person.signup().status_code == 200
    assert person.receive(issuer.new_offer(), issuer.pin).status_code == 200
    assert len(person.credential_ids()) == 1
    r = pg_client.post("/account/delete", data={"csrf": person.csrf("/account"),
                                               "password": PASSWORD})
    assert r.status_code == 200
