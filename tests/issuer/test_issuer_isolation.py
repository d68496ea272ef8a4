"""Tenant A's API key can never read, change or revoke tenant B's things."""

from __future__ import annotations

from tests.issuer._support import LiveIssuer, template


def test_tenant_isolation(live: LiveIssuer) -> None:
    _, key_a = live.tenant("tenant-a")
    _, key_b = live.tenant("tenant-b")
    with live.client(key_b) as b:
        ach_b = b.post("/api/v1/achievements", json=template()).json()
        issued_b = b.post("/api/v1/credentials", json={
            "achievement_id": ach_b["id"], "learner": {"name": "B learner"},
            "learner_ref": "b-1"}).json()
        job_b = b.post("/api/v1/batches", json={"items": [
            {"achievement_id": ach_b["id"], "learner": {"name": "B2"}}]}).json()
    with live.client(key_a) as a:
        assert a.get("/api/v1/achievements").json()["items"] == []
        assert a.get(f"/api/v1/achievements/{ach_b['id']}").status_code == 404
        assert a.put(f"/api/v1/achievements/{ach_b['id']}", json=template()).status_code == 404
        assert a.delete(f"/api/v1/achievements/{ach_b['id']}").status_code == 404
        r = a.post("/api/v1/credentials", json={
            "achievement_id": ach_b["id"], "learner": {"name": "A learner"}})
        assert r.status_code == 404
        assert a.get(f"/api/v1/credentials/{issued_b['id']}").status_code == 404
        assert a.get("/api/v1/credentials", params={"q": "b-1"}).json()["total"] == 0
        for action in ("revoke", "suspend", "reinstate"):
            r = a.post(f"/api/v1/credentials/{issued_b['id']}/{action}", json={"reason": "x"})
            assert r.status_code == 404
        assert a.get(f"/api/v1/batches/{job_b['id']}").status_code == 404
        assert a.get(f"/api/v1/batches/{job_b['id']}/items").status_code == 404
        # The same Idempotency-Key in another tenant is a separate key.
        r = a.post("/api/v1/achievements", json=template(), headers={"Idempotency-Key": "k"})
        assert r.status_code == 201
    with live.client(key_b) as b:
        r = b.post("/api/v1/achievements", json=template(), headers={"Idempotency-Key": "k"})
        assert r.status_code == 201 and r.headers.get("idempotent-replayed") is None
        assert b.get(f"/api/v1/credentials/{issued_b['id']}").json()["status"] == "active"
    # Offer references are per tenant too.
    offer_id = issued_b["offer"]["id"]
    with live.client() as http:
        assert http.get(f"{live.url}/tenants/tenant-a/credential-offer/{offer_id}"
                        ).status_code == 404
        assert http.get(f"{live.url}/tenants/tenant-b/credential-offer/{offer_id}"
                        ).status_code == 200
