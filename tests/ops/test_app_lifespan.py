"""Every service app owns what it opens (servicekit.resources): when the app shuts down its
database engine is disposed, its Fetcher closed and its background worker stopped; what a
caller handed in stays open; and an app works without its lifespan having run (tests that use
TestClient without ``with``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from issuer.app import create_app as issuer_app
from issuer.settings import IssuerSettings
from rotonde.http import Fetcher, URLPolicy
from verifier.app import create_app as verifier_app
from verifier.settings import VerifierSettings
from wallet.app import create_app as wallet_app
from wallet.settings import WalletSettings


def _app(service: str, tmp: Path, **kw: Any) -> tuple[Any, Any]:
    if service == "issuer":
        app = issuer_app(IssuerSettings(dev=True, data_dir=tmp, public_url="http://testserver"))
        return app, app.state.ctx
    if service == "wallet":
        app = wallet_app(WalletSettings(dev=True, data_dir=tmp, public_url="http://testserver"),
                         **kw)
        return app, app.state.wallet
    app = verifier_app(VerifierSettings(dev=True, data_dir=tmp, public_url="http://testserver"),
                       **kw)
    return app, app.state.verifier


def _watch_dispose(ctx: Any) -> list[bool]:
    disposed: list[bool] = []
    event.listen(ctx.db.engine, "engine_disposed", lambda _engine: disposed.append(True))
    return disposed


@pytest.mark.parametrize("service", ["issuer", "wallet", "verifier"])
def test_shutdown_closes_what_the_app_opened(service: str, tmp_path: Path) -> None:
    app, ctx = _app(service, tmp_path)
    disposed = _watch_dispose(ctx)
    with TestClient(app) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert not disposed
        worker = getattr(app.state, "batch_worker", None)
        if worker is not None:
            assert worker._thread is not None and worker._thread.is_alive()
    assert disposed == [True]
    assert app.state.resources.closed
    if service == "issuer":
        assert not app.state.batch_worker._thread.is_alive()
    else:
        assert ctx.fetcher._client.is_closed


@pytest.mark.parametrize("service", ["wallet", "verifier"])
def test_a_given_fetcher_stays_the_callers(service: str, tmp_path: Path) -> None:
    with Fetcher(policy=URLPolicy(allow_http=True, allow_private=True)) as fetcher:
        app, ctx = _app(service, tmp_path, fetcher=fetcher)
        with TestClient(app):
            pass
        assert ctx.fetcher is fetcher and not fetcher._client.is_closed
        ctx.db.dispose()


@pytest.mark.parametrize("service", ["issuer", "wallet", "verifier"])
def test_an_app_works_without_its_lifespan(service: str, tmp_path: Path) -> None:
    app, ctx = _app(service, tmp_path)
    client = TestClient(app)  # no ``with``: the lifespan never runs
    page = {"issuer": "/tenants/nobody/.well-known/openid-credential-issuer",
            "wallet": "/login", "verifier": "/"}[service]
    assert client.get(page).status_code in (200, 404)  # served, with the database
    assert not app.state.resources.closed
    ctx.db.dispose()
