"""SD-JWT VC issuer discovery (issue 15 A.3; draft-ietf-oauth-sd-jwt-vc "Issuer Signature
Mechanisms", "JWT VC Issuer Metadata"; OpenID4VCI 1.0 §12.2.1).

* A did:web tenant served over https: ``iss`` is its Credential Issuer Identifier (an https
  URL); ``/.well-known/jwt-vc-issuer/tenants/<slug>`` has ``issuer`` identical to it and lists,
  under the header's ``kid``, the key that signed.
* A did:key tenant signs SD-JWT VCs with its Ed25519 key (its DID): its JWT VC Issuer Metadata
  publishes exactly that key — before, it published a P-256 key that signs nothing.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from issuer.app import create_app
from issuer.flows.tenants import signer_for
from rotonde import oid4vci
from rotonde.keys import public_key_from_jwk
from rotonde.sdjwt import parse
from rotonde.trust import did_web_for_url
from tests.issuer._support import LiveIssuer, template, wallet
from tests.issuer._support import make_settings as _settings
from tests.servers import start

PUBLIC = "https://issuer.example"


def _credential(http: httpx.Client, api_base: str, key: str, public: str) -> tuple[str, str]:
    """Issue a microcredential and redeem it as SD-JWT VC; endpoints named under ``public``
    are reached at ``api_base`` (the loopback address the server really listens on)."""
    local = (lambda url: url.replace(public, api_base, 1))  # noqa: E731
    auth = {"Authorization": f"Bearer {key}"}
    ach = http.post(f"{api_base}/api/v1/achievements", json=template(), headers=auth).json()
    issued = http.post(f"{api_base}/api/v1/credentials", headers=auth, json={
        "achievement_id": ach["id"], "learner": {"name": "Sanne de Vries"}}).json()
    w = wallet()
    ref = oid4vci.parse_offer_uri(issued["offer"]["offer_uri"])
    assert ref.credential_offer_uri is not None
    offer = oid4vci.parse_credential_offer(http.get(local(ref.credential_offer_uri)).json())
    issuer = offer.credential_issuer
    token = http.post(local(issuer + "/token"), data=oid4vci.token_request(
        offer.pre_authorized_code, issued["offer"]["tx_code"])).json()["access_token"]
    nonce = http.post(local(issuer + "/nonce")).json()["c_nonce"]
    r = http.post(local(issuer + "/credential"), headers={"Authorization": f"Bearer {token}"},
                  json=oid4vci.credential_request("microcredential_sd_jwt",
                                                  jwt_proofs=[w.proof(issuer, nonce)]))
    assert r.status_code == 200, r.text
    return issuer, str(oid4vci.parse_credential_response(r.json())[0])


@pytest.mark.system  # starts its own issuer (public URL https, served on loopback)
def test_a_did_web_tenant_over_https_is_found_through_its_jwt_vc_issuer_metadata(
    tmp_path: Path,
) -> None:
    settings = dataclasses.replace(_settings(tmp_path, wallet_url="https://wallet.example"),
                                   public_url=PUBLIC)
    app = create_app(settings)
    server = start(app, settings.port, name="issuer-https-id")
    local = f"http://127.0.0.1:{settings.port}"
    try:
        ctx = app.state.ctx
        from issuer.flows.apikeys import new_api_key
        from issuer.flows.tenants import create_tenant

        tenant = create_tenant(ctx, slug="roc-web", name_nl="ROC", name_en="ROC")
        _, key = new_api_key(ctx, tenant.id)
        assert tenant.did == "did:web:issuer.example:tenants:roc-web"
        with httpx.Client(timeout=30) as http:
            issuer, token = _credential(http, local, key, PUBLIC)
            sd = parse(token)
            claims: dict[str, Any] = sd.jws.claims()
            assert issuer == f"{PUBLIC}/tenants/roc-web"
            assert claims["iss"] == issuer  # the https Credential Issuer Identifier
            kid = sd.jws.header["kid"]
            assert kid == signer_for(ctx, tenant, "jose").kid.partition("#")[2]  # type: ignore[union-attr]
            meta = http.get(f"{local}/.well-known/jwt-vc-issuer/tenants/roc-web").json()
        assert meta["issuer"] == claims["iss"]
        [jwk] = [k for k in meta["jwks"]["keys"] if k["kid"] == kid]
        sd.jws.verify(public_key_from_jwk(jwk))
        # the same https URL is the tenant's did:web: one trust-list entry covers both
        assert did_web_for_url(claims["iss"]) == tenant.did
    finally:
        server.should_exit = True
        time.sleep(0.05)
        app.state.ctx.db.dispose()


def test_a_did_key_tenant_publishes_the_ed25519_key_that_signs(live: LiveIssuer) -> None:
    tenant, key = live.tenant("roc-key", did_method="key")
    with httpx.Client(timeout=30) as http:
        _, token = _credential(http, live.url, key, live.url)
        meta = http.get(f"{live.url}/.well-known/jwt-vc-issuer/tenants/roc-key").json()
    sd = parse(token)
    assert sd.jws.header["alg"] == "EdDSA"
    assert sd.jws.claims()["iss"] == tenant.did  # no https identifier in development
    keys = meta["jwks"]["keys"]
    assert [k["crv"] for k in keys] == ["Ed25519"] and keys[0]["alg"] == "EdDSA"
    assert keys[0]["kid"] == sd.jws.header["kid"].partition("#")[2]
    sd.jws.verify(public_key_from_jwk(keys[0]))
