"""Verifier fixtures: the app in-process (TestClient) and live over real HTTP (uvicorn in a
thread on a free port), an issuer and a holder (the settable ``clock`` is the suite's, tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from rotonde.keys import PrivateKey, generate
from tests._system import system_fixture
from tests.conftest import SettableClock
from tests.servers import free_port, start
from tests.verifier._support import Issuer, make_app


@pytest.fixture(scope="session")
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
def holder() -> PrivateKey:
    return generate("ES256")


@pytest.fixture
def app_factory(tmp_path: Path) -> Any:
    counter = iter(range(1000))

    def make(**kw: Any) -> Any:
        return make_app(tmp_path / f"app{next(counter)}", **kw)

    return make


@pytest.fixture
def client(app_factory: Any, clock: SettableClock) -> TestClient:
    return TestClient(app_factory(clock=clock), raise_server_exceptions=False)


@dataclass
class Live:
    url: str
    server: uvicorn.Server
    app: Any


def serve(app: Any, port: int) -> Live:
    server = start(app, port, name="verifier", lifespan="off")
    return Live(f"http://127.0.0.1:{port}", server, app)


@pytest.fixture
@system_fixture
def live(tmp_path: Path) -> Iterator[Any]:
    started: list[Live] = []

    def start(**kw: Any) -> Live:
        port = free_port()
        app = make_app(tmp_path / f"live{port}", public_url=f"http://127.0.0.1:{port}", **kw)
        srv = serve(app, port)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.server.should_exit = True
