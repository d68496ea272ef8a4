"""Revocation and suspension show up in the served status lists (Bitstring + Token)."""

from __future__ import annotations

from typing import Any

from rotonde.keys import public_key_from_multikey
from rotonde.proofs import verify_proof
from rotonde.status.bitstring import read_status_list_credential
from rotonde.status.token import parse_status_list_token
from tests.issuer._support import LiveIssuer, template


def _setup(live: LiveIssuer) -> tuple[Any, str, str, int]:
    tenant, token = live.tenant("mbo-west")
    with live.client(token) as api:
        ach = api.post("/api/v1/achievements", json=template()).json()
        issued = api.post("/api/v1/credentials", json={
            "achievement_id": ach["id"], "learner": {"name": "Jan Jansen"}}).json()
    from sqlalchemy import select

    from issuer import models

    with live.ctx.db.session() as s:
        idx = s.connection().execute(select(models.issued.c.idx).where(
            models.issued.c.id == issued["id"])).scalar_one()
    return tenant, token, issued["id"], int(idx)


def _keys(live: LiveIssuer, base: str) -> dict[str, Any]:
    with live.client() as http:
        doc = http.get(f"{base}/did.json").json()
    return {m["id"]: public_key_from_multikey(m["publicKeyMultibase"])
            for m in doc["verificationMethod"]}


def test_revocation_visible_in_served_lists(live: LiveIssuer) -> None:
    tenant, token, issued_id, idx = _setup(live)
    base = live.ctx.tenant_base(tenant.slug)
    keys = _keys(live, base)
    with live.client() as http:
        r = http.get(f"{base}/status/1/revocation")
        assert r.status_code == 200
        assert r.headers["cache-control"].startswith("public, max-age=")
        etag = r.headers["etag"]
        vc = r.json()
        verify_proof(vc, keys=keys, require_controller=False)
        assert read_status_list_credential(vc, purpose="revocation").get(idx) == 0
        assert http.get(f"{base}/status/1/revocation",
                        headers={"If-None-Match": etag}).status_code == 304

    with live.client(token) as api:
        r = api.post(f"/api/v1/credentials/{issued_id}/revoke", json={"reason": "fraud"},
                     headers={"Idempotency-Key": "rev-1"})
        assert r.status_code == 200 and r.json()["status"] == "revoked"
        again = api.post(f"/api/v1/credentials/{issued_id}/revoke", json={"reason": "fraud"},
                         headers={"Idempotency-Key": "rev-1"})
        assert again.json() == r.json() and again.headers.get("idempotent-replayed") == "true"
        reinstate = api.post(f"/api/v1/credentials/{issued_id}/reinstate",
                             json={"reason": "oops"})
        assert reinstate.status_code == 409

    with live.client() as http:
        r = http.get(f"{base}/status/1/revocation")
        assert r.headers["etag"] != etag
        vc = r.json()
        verify_proof(vc, keys=keys, require_controller=False)
        assert read_status_list_credential(vc, purpose="revocation").get(idx) == 1
        suspended = read_status_list_credential(
            http.get(f"{base}/status/1/suspension").json(), purpose="suspension")
        assert suspended.get(idx) == 0
        tok = http.get(f"{base}/status/1/token")
        assert tok.headers["content-type"].startswith("application/statuslist+jwt")
        parsed = parse_status_list_token(tok.text)
        parsed.verify(keys[parsed.jws.header["kid"]])
        assert parsed.status_list.get(idx) == 1
        assert http.get(f"{base}/status/9/token").status_code == 404


def test_suspend_and_reinstate_drive_all_formats(live: LiveIssuer) -> None:
    tenant, token, issued_id, idx = _setup(live)
    base = live.ctx.tenant_base(tenant.slug)
    with live.client(token) as api:
        assert api.post(f"/api/v1/credentials/{issued_id}/suspend",
                        json={"reason": "under review"}).json()["status"] == "suspended"
    with live.client() as http:
        lst = read_status_list_credential(http.get(f"{base}/status/1/suspension").json(),
                                          purpose="suspension")
        assert lst.get(idx) == 1
        assert parse_status_list_token(
            http.get(f"{base}/status/1/token").text).status_list.get(idx) == 2
    with live.client(token) as api:
        assert api.post(f"/api/v1/credentials/{issued_id}/reinstate",
                        json={"reason": "cleared"}).json()["status"] == "active"
    with live.client() as http:
        lst = read_status_list_credential(http.get(f"{base}/status/1/suspension").json(),
                                          purpose="suspension")
        assert lst.get(idx) == 0
