"""Issuer test support: a live issuer over real HTTP (uvicorn in a thread on a free port),
tenants with API keys, and a small wallet-side helper built on httpx + rotonde.oid4vci."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import uvicorn

from issuer.app import create_app
from issuer.context import IssuerContext
from issuer.flows.apikeys import new_api_key
from issuer.flows.tenants import Tenant, create_tenant
from issuer.settings import IssuerSettings
from rotonde import oid4vci
from rotonde.keys import PrivateKey, generate
from tests.servers import free_port, start

TEMPLATE: dict[str, Any] = {
    "kind": "microcredential",
    "title": {"nl": "Lassen MIG/MAG basis", "en": "MIG/MAG welding, basic"},
    "learning_outcomes": [
        {"skill": "http://data.europa.eu/esco/skill/S6.6.1",
         "title": {"nl": "Lassen", "en": "Welding"}}
    ],
    "level": {"framework": "NLQF", "value": 2, "source": "institution"},
    "workload": {"hours": 40},
    "assessment": {"type": "practical_exam"},
    "participation": "on_site",
    "quality_assurance": {"type": "accredited_institution"},
    "assurance": "assessed",
}


def template() -> dict[str, Any]:
    return copy.deepcopy(TEMPLATE)



@dataclass
class LiveIssuer:
    url: str
    ctx: IssuerContext
    server: uvicorn.Server

    def tenant(self, slug: str, **kw: Any) -> tuple[Tenant, str]:
        tenant = create_tenant(self.ctx, slug=slug, name_nl=f"{slug} NL", name_en=f"{slug} EN",
                               **kw)
        _, token = new_api_key(self.ctx, tenant.id)
        return tenant, token

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


def start_server(settings: IssuerSettings, **kw: Any) -> LiveIssuer:
    app = create_app(settings, **kw)
    server = start(app, settings.port, name="issuer")
    return LiveIssuer(settings.public_url, app.state.ctx, server)


def make_settings(tmp: Path, **kw: Any) -> IssuerSettings:
    port = free_port()
    return IssuerSettings(dev=True, data_dir=tmp, port=port,
                          public_url=f"http://127.0.0.1:{port}", **kw)


@dataclass
class Wallet:
    """The holder side of OpenID4VCI, as a test would drive it."""

    http: httpx.Client
    key: PrivateKey

    def fetch_offer(self, offer_uri: str) -> oid4vci.CredentialOffer:
        ref = oid4vci.parse_offer_uri(offer_uri)
        assert ref.credential_offer_uri is not None
        r = self.http.get(ref.credential_offer_uri)
        r.raise_for_status()
        return oid4vci.parse_credential_offer(r.json())

    def metadata(self, issuer: str) -> dict[str, Any]:
        parts = urlsplit(issuer)
        r = self.http.get(f"{parts.scheme}://{parts.netloc}/.well-known/"
                          f"openid-credential-issuer{parts.path}")
        r.raise_for_status()
        return oid4vci.parse_issuer_metadata(r.json(), expected_issuer=issuer)

    def token(self, issuer: str, code: str, pin: str | None) -> httpx.Response:
        return self.http.post(f"{issuer}/token", data=oid4vci.token_request(code, pin))

    def nonce(self, meta: dict[str, Any]) -> str:
        r = self.http.post(meta["nonce_endpoint"])
        r.raise_for_status()
        return str(r.json()["c_nonce"])

    def proof(self, issuer: str, nonce: str | None, **kw: Any) -> str:
        return oid4vci.create_proof(self.key, audience=issuer, nonce=nonce, **kw)

    def credential(self, meta: dict[str, Any], access: str, config: str,
                   proofs: list[str]) -> httpx.Response:
        return self.http.post(meta["credential_endpoint"],
                              json=oid4vci.credential_request(config, jwt_proofs=proofs),
                              headers={"Authorization": f"Bearer {access}"})


def wallet(alg: str = "ES256") -> Wallet:
    return Wallet(httpx.Client(timeout=30), generate(alg))


def offer_code(offer: oid4vci.CredentialOffer) -> str:
    return offer.pre_authorized_code


def query_param(uri: str, name: str) -> str:
    return parse_qs(urlsplit(uri).query)[name][0]


def offered(live: LiveIssuer, slug: str) -> tuple[Wallet, oid4vci.CredentialOffer, str,
                                                  dict[str, Any]]:
    """A tenant ``slug`` issues the template achievement to one learner; a fresh wallet fetches
    the offer and the issuer's metadata: (wallet, offer, tx_code, metadata)."""
    _, key = live.tenant(slug)
    with live.client(key) as api:
        ach = api.post("/api/v1/achievements", json=template()).json()
        issued = api.post("/api/v1/credentials", json={
            "achievement_id": ach["id"], "learner": {"name": "Sanne de Vries"}}).json()
    w = wallet()
    offer = w.fetch_offer(issued["offer"]["offer_uri"])
    return w, offer, issued["offer"]["tx_code"], w.metadata(offer.credential_issuer)
