"""Two issuer worker processes sharing one PostgreSQL schema (docs/architecture.md §5: single-use
values "single use, short-lived, across workers"): concurrent issuance on both never allocates a
status index twice;
a pre-authorized code redeemed concurrently on both succeeds exactly once; an access token or
a proof nonce obtained from one worker works on the other exactly once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from issuer import models
from rotonde import oid4vci
from tests.pg import fresh_schema
from tests.resilience._issuer_setup import Deployment, HolderSide, issue_offer, prepare_issuer
from tests.resilience._procs import Proc, free_port, start_service

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[Deployment, Proc, Proc]]:
    with fresh_schema("rotonde_res_iss") as (url, schema):
        port_a = free_port()
        dep = prepare_issuer(tmp_path, public_port=port_a, database_url=url, schema=schema)
        procs: list[Proc] = []
        try:
            procs.append(start_service("issuer", dep.env, log_dir=tmp_path, port=port_a))
            procs.append(start_service("issuer", dep.env, log_dir=tmp_path))
            yield dep, procs[0], procs[1]
        finally:
            for p in procs:
                p.stop()
            dep.ctx.db.dispose()


def _run_threads(fns: list[Any]) -> None:
    barrier = threading.Barrier(len(fns))
    errors: list[BaseException] = []

    def wrap(fn: Any) -> None:
        barrier.wait()
        try:
            fn()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=wrap, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == [], errors


def test_concurrent_issuance_on_two_workers_never_reuses_an_index(
    two_workers: tuple[Deployment, Proc, Proc],
) -> None:
    dep, a, b = two_workers
    per_thread, threads = 12, 6

    def issue_many(proc: Proc, n: int) -> Any:
        return lambda: [issue_offer(proc.url, dep, f"L{n}-{i}") for i in range(per_thread)]

    _run_threads([issue_many(a if n % 2 else b, n) for n in range(threads)])
    with dep.ctx.db.session() as s:
        conn = s.connection()
        rows = conn.execute(select(models.issued.c.list_id, models.issued.c.idx)).all()
        entries = conn.execute(select(func.count()).select_from(models.status_entries)).scalar()
    total = per_thread * threads
    assert len(rows) == total == entries
    assert len({(r.list_id, r.idx) for r in rows}) == total


def test_preauthorized_code_race_across_workers_yields_one_token(
    two_workers: tuple[Deployment, Proc, Proc],
) -> None:
    dep, a, b = two_workers
    holder = HolderSide.new(dep.public_url)
    lock = threading.Lock()
    races = 4
    for r in range(races):
        issued = issue_offer(a.url, dep, f"Race {r}")
        offer = holder.offer(issued["offer"]["offer_uri"], b.url)
        outcomes: list[tuple[int, Any]] = []

        def redeem(proc: Proc, offer: Any = offer, issued: Any = issued,
                   outcomes: Any = outcomes) -> Any:
            def go() -> None:
                resp = holder.token(offer.credential_issuer, offer.pre_authorized_code,
                                    issued["offer"]["tx_code"], proc.url)
                with lock:
                    outcomes.append((resp.status_code, resp.json()))
            return go

        _run_threads([redeem(a if i % 2 else b) for i in range(6)])
        ok = [body for status, body in outcomes if status == 200]
        refused = [body["error"] for status, body in outcomes if status != 200]
        assert len(ok) == 1, outcomes
        assert refused == ["invalid_grant"] * 5
        # The one token yields the one credential (asked on the worker that did not issue it).
        access = oid4vci.parse_token_response(ok[0])["access_token"]
        nonce = holder.nonce(offer.credential_issuer, b.url)
        got = holder.credential(offer.credential_issuer, access,
                                holder.proof(offer.credential_issuer, nonce), b.url)
        assert got.status_code == 200, got.text
    # Exactly one credential per offer: every record issued once, one status entry each.
    with dep.ctx.db.session() as s:
        rows = s.connection().execute(select(models.issued.c.state)).all()
        entries = s.connection().execute(
            select(func.count()).select_from(models.status_entries)).scalar()
    assert [r.state for r in rows] == ["issued"] * races and entries == races


def test_code_nonce_and_access_token_are_single_use_across_workers(
    two_workers: tuple[Deployment, Proc, Proc],
) -> None:
    dep, a, b = two_workers
    holder = HolderSide.new(dep.public_url)
    issued = issue_offer(a.url, dep, "Cross worker")
    offer = holder.offer(issued["offer"]["offer_uri"], b.url)
    iss = offer.credential_issuer
    pin = issued["offer"]["tx_code"]
    # The code redeemed on worker A ...
    r = holder.token(iss, offer.pre_authorized_code, pin, a.url)
    assert r.status_code == 200, r.text
    access = oid4vci.parse_token_response(r.json())["access_token"]
    # ... is refused on worker B.
    again = holder.token(iss, offer.pre_authorized_code, pin, b.url)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    # A nonce from worker B, the access token from A, the credential from A.
    nonce = holder.nonce(iss, b.url)
    proof = holder.proof(iss, nonce)
    r = holder.credential(iss, access, proof, a.url)
    assert r.status_code == 200, r.text
    assert oid4vci.parse_credential_response(r.json())
    # The same proof (same nonce) replayed on worker B is refused.
    replay = holder.credential(iss, access, proof, b.url)
    assert replay.status_code == 400, replay.text
    assert replay.json()["error"] in ("invalid_nonce", "invalid_proof", "invalid_token",
                                      "credential_request_denied")  # configuration spent
    with dep.ctx.db.session() as s:
        row = s.connection().execute(select(models.issued.c.state)).one()
    assert row.state == "issued"


def test_one_batch_job_worked_by_both_workers_issues_each_item_once(
    two_workers: tuple[Deployment, Proc, Proc],
) -> None:
    """Both processes run a batch worker; they race for the same job's items."""
    import time

    import httpx

    dep, a, b = two_workers
    n = 400
    items = [{"achievement_id": dep.achievement_id, "learner": {"name": f"B{i}"}}
             for i in range(n)]
    auth = {"Authorization": f"Bearer {dep.token}"}
    r = httpx.post(a.url + "/api/v1/batches", json={"items": items}, headers=auth, timeout=60)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    # Wake the other worker too (its own request on the same job is an idempotent read).
    deadline = time.monotonic() + 120
    while (job := httpx.get(f"{b.url}/api/v1/batches/{job_id}", headers=auth,
                            timeout=60).json())["state"] != "done":
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["done"] == n and job["failed"] == 0
    with dep.ctx.db.session() as s:
        conn = s.connection()
        issued = conn.execute(select(models.issued.c.list_id, models.issued.c.idx).where(
            models.issued.c.job_id == job_id)).all()
        states = conn.execute(select(models.job_items.c.state, func.count()).where(
            models.job_items.c.job_id == job_id).group_by(models.job_items.c.state)).all()
        per_actor = conn.execute(select(func.count()).select_from(models.audit_log).where(
            models.audit_log.c.action == "credential.issue",
            models.audit_log.c.actor == f"job:{job_id}")).scalar()
    assert len(issued) == n == per_actor
    assert len({(r.list_id, r.idx) for r in issued}) == n
    assert dict(states) == {"done": n}
