"""Fixtures for the wallet tests: a fresh wallet app per test (SQLite in a temp dir), and real
peers (the issuer and verifier apps, a small core-built issuer) on loopback ports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests._system import system_fixture
from tests.wallet.wallet_helpers import Learner, make_settings
from tests.wallet.wallet_peers import MiniIssuer, VerifierPeer, mini_issuer, verifier_peer
from wallet.app import create_app
from wallet.settings import WalletSettings


@pytest.fixture
def settings(tmp_path: Path) -> WalletSettings:
    return make_settings(tmp_path)


@pytest.fixture
def client(settings: WalletSettings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app, base_url="http://testserver") as c:
        yield c
    app.state.wallet.db.dispose()


@pytest.fixture
def learner(client: TestClient) -> Learner:
    person = Learner(client)
    r = person.signup()
    assert r.status_code == 200, r.text
    return person


@pytest.fixture(scope="module")
@system_fixture
def issuer() -> Iterator[MiniIssuer]:
    with mini_issuer() as state:
        yield state


@pytest.fixture(autouse=True)
def _issuer_mode_reset(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "issuer" in request.fixturenames:
        request.getfixturevalue("issuer").mode = "ok"


@pytest.fixture(scope="module")
@system_fixture
def verifier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VerifierPeer]:
    with verifier_peer(tmp_path_factory.mktemp("verifier")) as peer:
        yield peer
