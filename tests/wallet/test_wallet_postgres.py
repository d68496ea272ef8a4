"""The wallet on PostgreSQL (ROTONDE_WALLET_DATABASE_URL): migrations, sign-up, a credential
received and stored encrypted, account deletion. Required in CI; skipped elsewhere when no
PostgreSQL answers at 127.0.0.1:5432 (database ``test``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.pg import fresh_schema
from tests.wallet.wallet_helpers import PASSWORD, Learner, make_settings
from tests.wallet.wallet_peers import MiniIssuer
from wallet.app import create_app
from wallet.settings import load_settings

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_client(tmp_path: Path) -> Iterator[TestClient]:
    with fresh_schema("rotonde_wallet") as (url, schema):
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


def test_wallet_on_postgres(pg_client: TestClient, issuer: MiniIssuer) -> None:
    assert pg_client.app.state.wallet.db.dialect == "postgresql"  # type: ignore[attr-defined]
    person = Learner(pg_client)
    assert person.signup().status_code == 200
    assert person.receive(issuer.new_offer(), issuer.pin).status_code == 200
    assert len(person.credential_ids()) == 1
    r = pg_client.post("/account/delete", data={"csrf": person.csrf("/account"),
                                               "password": PASSWORD})
    assert r.status_code == 200
