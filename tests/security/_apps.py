"""The three services in-process for the security tests (dev settings in temp dirs)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.wallet.wallet_helpers import Learner, csrf_of
from tests.wallet.wallet_helpers import make_settings as wallet_settings

__all__ = ["IssuerApp", "issuer_app", "verifier_app", "wallet_app", "wallet_login"]


@dataclass
class IssuerApp:
    app: Any
    client: TestClient
    token: str
    tenant: Any
    achievement: str

    @property
    def ctx(self) -> Any:
        return self.app.state.ctx

    def issue(self, name: str = "Sanne de Vries", birth: str | None = None) -> dict[str, Any]:
        learner: dict[str, Any] = {"name": name}
        if birth:
            learner["birth_date"] = birth
        r = self.client.post("/api/v1/credentials", json={
            "achievement_id": self.achievement, "learner": learner, "learner_ref": "s-1",
            "award_date": "2026-06-30"})
        assert r.status_code == 201, r.text
        return dict(r.json())


def issuer_app(tmp: Path, *, slug: str = "roc", public_url: str = "http://testserver",
               tenant: bool = True, clock: Any = None, **kw: Any) -> IssuerApp:
    from issuer.app import create_app
    from issuer.flows.apikeys import new_api_key
    from issuer.flows.tenants import create_tenant
    from issuer.settings import IssuerSettings
    from tests.issuer._support import template

    app = create_app(IssuerSettings(dev=True, data_dir=tmp, public_url=public_url, **kw),
                     run_worker=False, clock=clock)
    client = TestClient(app, base_url=public_url, raise_server_exceptions=False)
    if not tenant:
        return IssuerApp(app, client, "", None, "")
    t = create_tenant(app.state.ctx, slug=slug, name_nl="ROC NL", name_en="ROC EN")
    _, token = new_api_key(app.state.ctx, t.id)
    client.headers["Authorization"] = f"Bearer {token}"
    ach = client.post("/api/v1/achievements", json=template())
    assert ach.status_code == 201, ach.text
    return IssuerApp(app, client, token, t, ach.json()["id"])


def verifier_app(tmp: Path, **kw: Any) -> tuple[Any, TestClient]:
    from tests.verifier._support import make_app

    app = make_app(tmp, **kw)
    return app, TestClient(app, raise_server_exceptions=False)


def wallet_app(tmp: Path, **kw: Any) -> tuple[Any, TestClient]:
    from wallet.app import create_app

    app = create_app(wallet_settings(tmp, **kw))
    return app, TestClient(app, base_url=str(kw.get("public_url", "http://testserver")),
                           raise_server_exceptions=False)


def wallet_login(client: TestClient) -> str:
    """Sign up a learner on ``client``; returns the session's CSRF token."""
    r = Learner(client).signup()
    assert r.status_code == 200, r.text
    return csrf_of(client.get("/account").text)
