"""An issuer deployment for the resilience tests: database prepared in the test process
(migrations, one tenant, an API key, one achievement), served by uvicorn subprocesses."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from issuer.context import IssuerContext, open_context
from issuer.flows.apikeys import new_api_key
from issuer.flows.catalogue import create_achievement
from issuer.flows.tenants import create_tenant
from issuer.settings import IssuerSettings
from rotonde import oid4vci
from rotonde.encoding import b64url_encode
from rotonde.keys import PrivateKey, generate
from tests.issuer._support import template

__all__ = ["Deployment", "HolderSide", "prepare_issuer"]


@dataclass
class Deployment:
    ctx: IssuerContext
    env: dict[str, str]
    public_url: str
    slug: str
    token: str
    achievement_id: str

    @property
    def issuer_id(self) -> str:
        return f"{self.public_url}/tenants/{self.slug}"


def prepare_issuer(
    tmp: Path, *, public_port: int, database_url: str = "", schema: str | None = None,
    slug: str = "roc-veerkracht",
) -> Deployment:
    kek = b64url_encode(secrets.token_bytes(32))
    public_url = f"http://127.0.0.1:{public_port}"
    data_dir = tmp / "issuer-data"
    env = {"dev": "1", "data_dir": str(data_dir), "kek": kek, "public_url": public_url}
    if database_url:
        env["database_url"] = database_url
    if schema:
        env["db_schema"] = schema
    settings = IssuerSettings(dev=True, data_dir=data_dir, database_url=database_url,
                              db_schema=schema, public_url=public_url, port=public_port)
    ctx = open_context(settings, environ={"ROTONDE_ISSUER_KEK": kek})
    tenant = create_tenant(ctx, slug=slug, name_nl="ROC Veerkracht", name_en="ROC Resilience",
                           did_method="key")
    _, token = new_api_key(ctx, tenant.id)
    ach = create_achievement(ctx, tenant, template(), actor="test")
    return Deployment(ctx, env, public_url, slug, token, str(ach["id"]))


@dataclass
class HolderSide:
    """The wallet's side of OpenID4VCI against any worker: URLs published under the public
    URL are rewritten to the worker's own base URL."""

    public_url: str
    key: PrivateKey

    @classmethod
    def new(cls, public_url: str) -> HolderSide:
        return cls(public_url, generate("ES256"))

    def _on(self, url: str, base: str) -> str:
        return base + url[len(self.public_url):] if url.startswith(self.public_url) else url

    def offer(self, offer_uri: str, base: str) -> oid4vci.CredentialOffer:
        ref = oid4vci.parse_offer_uri(offer_uri)
        assert ref.credential_offer_uri is not None
        r = httpx.get(self._on(ref.credential_offer_uri, base), timeout=60)
        r.raise_for_status()
        return oid4vci.parse_credential_offer(r.json())

    def token(self, issuer: str, code: str, pin: str | None, base: str) -> httpx.Response:
        return httpx.post(self._on(f"{issuer}/token", base),
                          data=oid4vci.token_request(code, pin), timeout=60)

    def nonce(self, issuer: str, base: str) -> str:
        r = httpx.post(self._on(f"{issuer}/nonce", base), timeout=60)
        r.raise_for_status()
        return str(r.json()["c_nonce"])

    def proof(self, issuer: str, nonce: str) -> str:
        return oid4vci.create_proof(self.key, audience=issuer, nonce=nonce)

    def credential(self, issuer: str, access: str, proof: str, base: str,
                   config: str = "microcredential_sd_jwt") -> httpx.Response:
        return httpx.post(self._on(f"{issuer}/credential", base),
                          json=oid4vci.credential_request(config, jwt_proofs=[proof]),
                          headers={"Authorization": f"Bearer {access}"}, timeout=60)


def issue_offer(base: str, dep: Deployment, learner: str) -> dict[str, Any]:
    r = httpx.post(f"{base}/api/v1/credentials", timeout=60,
                   headers={"Authorization": f"Bearer {dep.token}"},
                   json={"achievement_id": dep.achievement_id, "learner": {"name": learner}})
    assert r.status_code == 201, r.text
    return dict(r.json())
