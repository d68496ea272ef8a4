"""Crash safety of batch issuance: a 10,000-learner job, the issuer process SIGKILLed while it
works through it, then restarted (SQLite, the default deployment database).

After every kill: no status index is allocated twice, every record the API had reported as
done is still there unchanged, the job's counters equal what is actually in the database, and
no item is stuck half-processed. After the restart the job resumes and completes with exactly
one issued record per item."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from issuer import models
from tests.resilience._issuer_setup import Deployment, prepare_issuer
from tests.resilience._procs import Proc, free_port, start_service

ITEMS = 10_000
KILLS = 2


def _db_state(dep: Deployment, job_id: str) -> dict[str, Any]:
    with dep.ctx.db.session() as s:
        conn = s.connection()
        job = conn.execute(select(models.jobs).where(models.jobs.c.id == job_id)).one()
        states: dict[str, int] = dict(conn.execute(
            select(models.job_items.c.state, func.count()).where(
                models.job_items.c.job_id == job_id).group_by(models.job_items.c.state)).all())
        issued = conn.execute(select(func.count()).select_from(models.issued).where(
            models.issued.c.job_id == job_id)).scalar()
        pairs = conn.execute(select(models.issued.c.list_id, models.issued.c.idx)).all()
        entries = conn.execute(select(func.count()).select_from(models.status_entries)).scalar()
        done_ids = dict(conn.execute(select(models.job_items.c.seq, models.job_items.c.issued_id)
                                     .where(models.job_items.c.job_id == job_id,
                                            models.job_items.c.state == "done")).all())
    return {"job": job, "states": states, "issued": issued, "pairs": pairs,
            "entries": entries, "done_ids": done_ids}


def _check_consistent(state: dict[str, Any]) -> None:
    job, states = state["job"], state["states"]
    assert states.get("working", 0) == 0, "an item was left half-processed"
    assert job.done == states.get("done", 0) == state["issued"] == len(state["done_ids"])
    assert job.failed == states.get("failed", 0) == 0
    assert sum(states.values()) == ITEMS
    pairs = state["pairs"]
    assert len(pairs) == len({(p.list_id, p.idx) for p in pairs}) == state["entries"]


def _wait_progress(api: httpx.Client, job_id: str, at_least: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = int(api.get(f"/api/v1/batches/{job_id}").json()["done"])
        if done >= at_least:
            return done
        time.sleep(0.05)
    raise AssertionError(f"the job did not reach {at_least} items in {timeout} s")


def test_batch_survives_sigkill_and_resumes(tmp_path: Path) -> None:
    port = free_port()
    dep = prepare_issuer(tmp_path, public_port=port)
    proc: Proc = start_service("issuer", dep.env, log_dir=tmp_path, port=port)
    faults = lost = 0
    acknowledged: dict[int, str] = {}
    try:
        auth = {"Authorization": f"Bearer {dep.token}"}
        items = [{"achievement_id": dep.achievement_id, "learner": {"name": f"Leerling {i}"},
                  "learner_ref": f"n-{i}"} for i in range(ITEMS)]
        with proc.client(headers=auth) as api:
            r = api.post("/api/v1/batches", json={"items": items},
                         headers={"Idempotency-Key": "exam-round-2026-06"})
            assert r.status_code == 202, r.text
            job_id = r.json()["id"]
        for k in range(KILLS):
            with proc.client(headers=auth) as api:
                before = _wait_progress(api, job_id, (k + 1) * 150, timeout=40)
                # What the API acknowledged as issued before the crash.
                for item in api.get(f"/api/v1/batches/{job_id}/items",
                                    params={"limit": 1000}).json()["items"]:
                    if item["state"] == "done":
                        acknowledged[item["seq"]] = item["result"]["id"]
            proc.kill()
            faults += 1
            state = _db_state(dep, job_id)
            _check_consistent(state)
            assert state["job"].done >= before
            assert state["job"].done < ITEMS, "the batch finished before the kill"
            lost += sum(1 for seq, iid in acknowledged.items()
                        if state["done_ids"].get(seq) != iid)
            proc = start_service("issuer", dep.env, log_dir=tmp_path, port=port)
        # Resumed to completion; the job reports exactly what was issued.
        with proc.client(headers=auth) as api:
            deadline = time.monotonic() + 150  # a hang guard; it takes ~40 s here
            while (job := api.get(f"/api/v1/batches/{job_id}").json())["state"] != "done":
                assert time.monotonic() < deadline, job
                time.sleep(0.2)
            assert job["done"] == ITEMS and job["failed"] == 0 and job["progress"] == 1.0
            # The retried submission (same Idempotency-Key) names the same job, no new one.
            again = api.post("/api/v1/batches", json={"items": items},
                             headers={"Idempotency-Key": "exam-round-2026-06"})
            assert again.json()["id"] == job_id
            listed = api.get("/api/v1/credentials", params={"limit": 1}).json()
            assert listed["total"] == ITEMS
        state = _db_state(dep, job_id)
        _check_consistent(state)
        assert state["states"] == {"done": ITEMS}
        lost += sum(1 for seq, iid in acknowledged.items() if state["done_ids"].get(seq) != iid)
        assert acknowledged and lost == 0
        print(f"\nissuer batch: faults injected={faults} records lost={lost} "
              f"acknowledged before kills={len(acknowledged)} items={ITEMS}")
    finally:
        proc.stop()
        dep.ctx.db.dispose()
