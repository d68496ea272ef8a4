"""Batch issuance as a job: up to ``batch_max_items`` learners per request, processed in the
background in chunks, with progress, resumable after a restart, each item exactly once.

An item is claimed with a conditional ``UPDATE job_items SET state=... WHERE state='pending'``
inside the chunk's transaction, together with everything it creates; a crash rolls the whole
chunk back and a restarted worker simply continues with the pending items. Item input is
stored encrypted and replaced by the (encrypted) result — the offer URI and ``tx_code`` the
provider must deliver — once processed; the caller's ``learner_ref`` is kept beside it, so every
item, failed ones included, can be matched to the provider's own records.

The job that finishes is marked ``done`` by exactly one worker (a conditional update), which
then sends the tenant's ``batch.completed`` webhook (:mod:`issuer.flows.webhooks`) after the
transaction has committed.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, update

from issuer import models
from issuer.context import IssuerContext, dumps, new_id
from issuer.flows.issuing import issue_to_learner
from issuer.flows.tenants import Tenant, get_tenant
from issuer.flows.webhooks import notify_batch_completed
from rotonde.errors import NotFoundError, RotondeError

__all__ = [
    "BatchWorker", "create_job", "create_job_from_json", "get_job", "job_item_aad", "job_items",
    "process_pending",
]

log = logging.getLogger("issuer.batch")
CHUNK = 100


def job_item_aad(job_id: str, seq: int) -> str:
    """Associated data binding an encrypted batch item to its job and position."""
    return f"job-item:{job_id}:{seq}"


def create_job(
    ctx: IssuerContext, tenant: Tenant, items: Sequence[dict[str, Any]], *, actor: str
) -> dict[str, Any]:
    return create_job_from_json(ctx, tenant, [dumps(item) for item in items], actor=actor)


def create_job_from_json(
    ctx: IssuerContext, tenant: Tenant, payloads: Sequence[str], *, actor: str
) -> dict[str, Any]:
    """A job for already validated items (each a JSON text), written in one transaction."""
    job_id = new_id()
    now = ctx.now()
    with ctx.db.session() as s:
        conn = s.connection()
        conn.execute(insert(models.jobs).values(
            id=job_id, tenant_id=tenant.id, state="pending", total=len(payloads), done=0,
            failed=0, created_at=now,
        ))
        for start in range(0, len(payloads), 1000):  # encrypted a thousand at a time
            conn.execute(insert(models.job_items), [
                {"job_id": job_id, "seq": i,
                 "payload": ctx.box.encrypt_text(payloads[i], aad=job_item_aad(job_id, i)),
                 "state": "pending", "learner_ref": _learner_ref(payloads[i])}
                for i in range(start, min(start + 1000, len(payloads)))])
        ctx.audit(conn, tenant_id=tenant.id, actor=actor, action="batch.create", target=job_id)
    return get_job(ctx, tenant, job_id)


def _learner_ref(payload: str) -> str | None:
    ref = json.loads(payload).get("learner_ref")
    return ref if isinstance(ref, str) else None


def get_job(ctx: IssuerContext, tenant: Tenant, job_id: str) -> dict[str, Any]:
    with ctx.db.session() as s:
        row = s.connection().execute(select(models.jobs).where(
            models.jobs.c.id == job_id, models.jobs.c.tenant_id == tenant.id)).first()
    if row is None:
        raise NotFoundError("job.not_found", "job not found", message_nl="taak niet gevonden")
    return {"id": row.id, "state": row.state, "total": row.total, "done": row.done,
            "failed": row.failed, "progress": (row.done + row.failed) / row.total if row.total
            else 1.0, "webhook_status": row.webhook_status}


def job_items(
    ctx: IssuerContext, tenant: Tenant, job_id: str, *, offset: int = 0, limit: int = 100
) -> tuple[int, list[dict[str, Any]]]:
    """The job's item count and its items ``offset`` to ``offset + limit`` (in order)."""
    total = int(get_job(ctx, tenant, job_id)["total"])
    with ctx.db.session() as s:
        rows = s.connection().execute(
            select(models.job_items).where(models.job_items.c.job_id == job_id)
            .order_by(models.job_items.c.seq).offset(offset).limit(limit)).all()
    out = []
    for r in rows:
        item: dict[str, Any] = {"seq": r.seq, "learner_ref": r.learner_ref, "state": r.state}
        if r.state == "done" and r.payload:
            item["result"] = json.loads(ctx.box.decrypt_text(r.payload, aad=job_item_aad(job_id, r.seq)))
        if r.error:
            item["errors"] = json.loads(r.error)
        out.append(item)
    return total, out


def _process_chunk(ctx: IssuerContext, job_id: str, tenant: Tenant) -> tuple[int, bool]:
    """Process up to CHUNK pending items of job ``job_id`` in one transaction; returns how
    many, and whether this call marked the job done."""
    with ctx.db.session() as s:
        conn = s.connection()
        pending = conn.execute(
            select(models.job_items.c.seq, models.job_items.c.payload)
            .where(models.job_items.c.job_id == job_id, models.job_items.c.state == "pending")
            .order_by(models.job_items.c.seq).limit(CHUNK)).all()
        done = failed = 0
        for seq, payload in pending:
            claimed = conn.execute(update(models.job_items).where(
                models.job_items.c.job_id == job_id, models.job_items.c.seq == seq,
                models.job_items.c.state == "pending").values(state="working"))
            if claimed.rowcount != 1:
                continue  # another worker has it
            item = json.loads(ctx.box.decrypt_text(payload, aad=job_item_aad(job_id, seq)))
            try:
                with conn.begin_nested():
                    result = issue_to_learner(
                        ctx, tenant, achievement_id=item.get("achievement_id", ""),
                        learner=item.get("learner"), award_date=item.get("award_date"),
                        learner_ref=item.get("learner_ref"),
                        configurations=item.get("configurations"), extra=item.get("extra"),
                        actor=f"job:{job_id}", job_id=job_id, conn=conn,
                    )
                conn.execute(update(models.job_items).where(
                    models.job_items.c.job_id == job_id, models.job_items.c.seq == seq).values(
                    state="done", issued_id=result.issued_id, offer_id=result.offer_id,
                    payload=ctx.box.encrypt_text(dumps(result.to_dict()), aad=job_item_aad(job_id, seq))))
                done += 1
            except RotondeError as exc:
                problems = [p.to_dict() for p in exc.problems]
                conn.execute(update(models.job_items).where(
                    models.job_items.c.job_id == job_id, models.job_items.c.seq == seq).values(
                    state="failed", payload=None, error=dumps(problems)))
                failed += 1
        if pending:  # (never over a "done" another worker has just committed)
            conn.execute(update(models.jobs).where(models.jobs.c.id == job_id).values(
                state="running", done=models.jobs.c.done + done,
                failed=models.jobs.c.failed + failed))
        finished = False
        if not pending:
            remaining = conn.execute(select(func.count()).select_from(models.job_items).where(
                models.job_items.c.job_id == job_id,
                models.job_items.c.state.in_(("pending", "working")))).scalar()
            if not remaining:
                marked = conn.execute(update(models.jobs).where(
                    models.jobs.c.id == job_id, models.jobs.c.state != "done").values(
                    state="done", finished_at=ctx.now()))
                finished = marked.rowcount == 1  # only one worker finishes a job
        return len(pending), finished


def process_pending(ctx: IssuerContext, *, max_chunks: int | None = None) -> int:
    """Work through unfinished jobs (used by the worker thread and by tests). Returns the
    number of items looked at."""
    seen = chunks = 0
    while max_chunks is None or chunks < max_chunks:
        with ctx.db.session() as s:
            job = s.connection().execute(select(models.jobs).where(
                models.jobs.c.state.in_(("pending", "running")))
                .order_by(models.jobs.c.created_at).limit(1)).first()
        if job is None:
            return seen
        n, finished = _process_chunk(ctx, job.id, get_tenant(ctx, job.tenant_id))
        if finished:  # committed: now tell the tenant (never raises)
            notify_batch_completed(ctx, job.id)
        seen += n
        chunks += 1
    return seen


class BatchWorker:
    """A background thread that processes jobs (woken when a job is created) and, hourly,
    erases record details past their retention period."""

    def __init__(self, ctx: IssuerContext, *, interval: float = 2.0) -> None:
        self.ctx = ctx
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="issuer-batch", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        from issuer.flows.issuing import purge_expired_details

        last_purge = 0.0
        while not self._stop.is_set():
            try:
                process_pending(self.ctx)
                if self.ctx.now() - last_purge > 3600:  # retention housekeeping, hourly
                    purge_expired_details(self.ctx)
                    last_purge = self.ctx.now()
            except Exception:  # keep the worker alive; the job resumes next round
                log.exception("batch worker error")
            self._wake.wait(self.interval)
            self._wake.clear()
