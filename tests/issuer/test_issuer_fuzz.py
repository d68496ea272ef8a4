"""Hypothesis on the service's parsers: any JSON or form body to the provider API, VC-API and
OpenID4VCI endpoints gets a 4xx problem/OAuth answer or a success — never a 5xx."""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from issuer.app import create_app
from issuer.flows.apikeys import new_api_key
from issuer.flows.tenants import create_tenant
from issuer.settings import IssuerSettings
from tests.conftest import examples
from tests.issuer._support import template

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(
        st.sampled_from(["achievement_id", "learner", "name", "kind", "title", "proofs", "jwt",
                         "credential_configuration_id", "credential", "@context", "type",
                         "credentialSubject", "issuer", "items", "credentialId",
                         "credentialStatus", "status", "x"]), c, max_size=5),
    max_leaves=20,
)


@lru_cache(maxsize=1)
def _client() -> tuple[TestClient, str]:
    tmp = Path(tempfile.mkdtemp(prefix="rotonde-fuzz-"))
    app = create_app(IssuerSettings(dev=True, data_dir=tmp, public_url="http://testserver"),
                     run_worker=False)
    ctx = app.state.ctx
    tenant = create_tenant(ctx, slug="fuzz", name_nl="Fuzz", name_en="Fuzz")
    _, token = new_api_key(ctx, tenant.id)
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"},
                        raise_server_exceptions=False)
    ach = client.post("/api/v1/achievements", json=template()).json()["id"]
    return client, ach


def _ok(r: Any) -> None:
    assert r.status_code < 500, (r.status_code, r.text)
    if r.status_code >= 400:
        body = r.json()
        assert "code" in body or "error" in body


@settings(max_examples=examples(40))
@given(_json)
def test_json_bodies_never_crash(body: Any) -> None:
    client, ach = _client()
    for path in ("/api/v1/achievements", "/api/v1/credentials", "/api/v1/batches",
                 "/vc-api/credentials/issue", "/vc-api/credentials/status",
                 "/tenants/fuzz/credential"):
        _ok(client.post(path, json=body))
    if isinstance(body, dict):
        _ok(client.post("/api/v1/credentials", json={**body, "achievement_id": ach,
                                                     "learner": body.get("learner", {})}))


@settings(max_examples=examples(40))
@given(st.dictionaries(st.sampled_from(["grant_type", "pre-authorized_code", "tx_code", "x"]),
                       st.text(max_size=40), max_size=4))
def test_token_forms_never_crash(form: dict[str, str]) -> None:
    client, _ = _client()
    r = client.post("/tenants/fuzz/token", data=form)
    _ok(r)
    assert r.status_code == 400 and "error" in r.json()
