"""Issuer service throughput as ratios to a trivial endpoint of the same app (``/healthz``).

* ``preauth_sdjwt_flow``: one learner's OpenID4VCI redemption — ``POST /token`` (pre-authorized
  code + PIN), ``POST /nonce``, ``POST /credential`` with a key proof, answered with a signed
  SD-JWT VC. Offers and proofs' keys are prepared beforehand; only the three requests are timed.
* ``batch_item``: per item of a 10,000-learner batch (``quick``: 1,000) — ``POST
  /api/v1/batches`` and processing the job to the end (record validation, random status index,
  offer + encrypted code, all in chunked transactions); the ratio is per item.

In-process (Starlette TestClient), SQLite in a temporary directory, bounded well under 60 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._ratio import Result, per_call

__all__ = ["run"]

ROOT = Path(__file__).resolve().parent.parent


def _setup(tmp: Path) -> tuple[Any, Any, str, str]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from fastapi.testclient import TestClient

    from issuer.app import create_app
    from issuer.flows.apikeys import new_api_key
    from issuer.flows.tenants import create_tenant
    from issuer.settings import IssuerSettings
    from tests.issuer._support import TEMPLATE

    settings = IssuerSettings(dev=True, data_dir=tmp, public_url="http://testserver",
                              batch_max_bytes=64 * 1024 * 1024)
    app = create_app(settings, run_worker=False)
    ctx = app.state.ctx
    tenant = create_tenant(ctx, slug="bench", name_nl="Bench", name_en="Bench")
    _, token = new_api_key(ctx, tenant.id)
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    ach = client.post("/api/v1/achievements", json=TEMPLATE).json()["id"]
    return client, ctx, ach, ctx.tenant_base("bench")


def _flow_seconds(client: Any, ach: str, issuer: str, n: int) -> float:
    from rotonde import oid4vci
    from rotonde.keys import generate

    prepared = []
    for i in range(n):
        issued = client.post("/api/v1/credentials", json={
            "achievement_id": ach, "learner": {"name": f"Learner {i}"}}).json()
        offer = client.get(issued["offer"]["credential_offer_uri"]).json()
        code = offer["grants"][oid4vci.PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
        prepared.append((code, issued["offer"]["tx_code"], generate("ES256")))
    best = float("inf")
    per_round = max(1, n // 3)
    for start in range(0, n - per_round + 1, per_round):
        t0 = time.perf_counter()
        for code, pin, key in prepared[start:start + per_round]:
            access = client.post(f"{issuer}/token", data=oid4vci.token_request(code, pin)).json()[
                "access_token"]
            nonce = client.post(f"{issuer}/nonce").json()["c_nonce"]
            proof = oid4vci.create_proof(key, audience=issuer, nonce=nonce)
            r = client.post(f"{issuer}/credential", headers={"Authorization": f"Bearer {access}"},
                            json=oid4vci.credential_request("microcredential_sd_jwt",
                                                            jwt_proofs=[proof]))
            assert r.status_code == 200, r.text
        best = min(best, (time.perf_counter() - t0) / per_round)
    return best


def _batch_seconds(client: Any, ctx: Any, ach: str, n: int) -> float:
    from issuer.flows.batch import process_pending

    items = [{"achievement_id": ach, "learner": {"name": f"Learner {i}"},
              "learner_ref": f"b-{i}"} for i in range(n)]
    t0 = time.perf_counter()
    job = client.post("/api/v1/batches", json={"items": items}).json()
    process_pending(ctx)
    elapsed = time.perf_counter() - t0
    state = client.get(f"/api/v1/batches/{job['id']}").json()
    assert state["state"] == "done" and state["done"] == n, state
    return elapsed / n


def run(quick: bool = False) -> list[Result]:
    with tempfile.TemporaryDirectory() as d:
        client, ctx, ach, issuer = _setup(Path(d))
        healthz = per_call(lambda: client.get("/healthz"), budget=0.2 if quick else 0.4)
        flow = _flow_seconds(client, ach, issuer, 15 if quick else 60)
        batch = _batch_seconds(client, ctx, ach, 1_000 if quick else 10_000)
        healthz_after = per_call(lambda: client.get("/healthz"), budget=0.2 if quick else 0.4)
        base = min(healthz, healthz_after)
        ctx.db.dispose()
    return [
        Result("issuer", "preauth_sdjwt_flow", "ES256", flow, "healthz", base),
        Result("issuer", "batch_item", "-", batch, "healthz", base),
    ]


if __name__ == "__main__":  # pragma: no cover
    for r in run(quick="--quick" in sys.argv):
        print(r.to_dict())
