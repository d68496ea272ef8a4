"""A tenant's webhook: ``batch.completed``, POSTed once when a batch job has no item left.

The tenant's URL and HMAC key are set with ``rotonde issuer tenant webhook`` (or
:func:`set_webhook`); the key is generated here (256 bits), shown once and stored sealed under
the KEK (:func:`webhook_secret_aad`; re-sealed by ``rotonde issuer rekey``). The body carries
no personal data — the job's id, counts and links; the per-learner results (offer links and
PINs) stay behind the API key at ``items_url``. It is signed as every Rotonde webhook is
(:mod:`servicekit.webhooks`: ``X-Rotonde-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")``),
with ``X-Rotonde-Event: batch.completed`` and a unique ``X-Rotonde-Delivery`` id; receivers
verify it as docs/webhooks.md says.

Delivery goes through the issuer's one Fetcher (URL policy: https and public addresses only
outside development mode; deadline; size cap), in the batch worker right after the job is
marked done, one attempt; its HTTP status (0: not delivered) is kept on the job and shown as
``webhook_status`` by ``GET /api/v1/batches/{id}``. A failure never changes the batch.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import select, update

from issuer import models
from issuer.context import IssuerContext, new_id
from issuer.flows.tenants import Tenant
from rotonde.errors import RotondeError, ValidationError
from servicekit.webhooks import signed_request

__all__ = ["BATCH_COMPLETED", "clear_webhook", "notify_batch_completed", "set_webhook",
           "webhook_secret_aad"]

log = logging.getLogger("issuer.webhooks")
BATCH_COMPLETED = "batch.completed"


def webhook_secret_aad(tenant_id: str) -> str:
    """Associated data binding a sealed webhook key to its tenant."""
    return f"tenant-webhook:{tenant_id}"


def _check_url(ctx: IssuerContext, url: str) -> str:
    parts = urlsplit(url)
    allowed = ("https", "http") if ctx.settings.dev else ("https",)
    if (parts.scheme not in allowed or not parts.hostname or parts.username or parts.password
            or parts.fragment or len(url) > 500):
        raise ValidationError(
            "webhook.invalid_url",
            "the webhook URL must be an https URL (at most 500 characters, no user name or "
            "fragment)" + ("; http is allowed in development mode" if ctx.settings.dev else ""),
            message_nl="de webhook-URL moet een https-URL zijn (hooguit 500 tekens, zonder "
                       "gebruikersnaam of fragment)", pointer="/url")
    return url


def set_webhook(ctx: IssuerContext, tenant: Tenant, url: str, *, actor: str) -> str:
    """Send ``batch.completed`` of ``tenant`` to ``url`` from now on, signed with a new key;
    returns that key (it is not shown again). Setting it again replaces URL and key."""
    _check_url(ctx, url)
    secret = "whsec_" + secrets.token_urlsafe(32)
    sealed = ctx.box.encrypt_text(secret, aad=webhook_secret_aad(tenant.id))
    with ctx.db.session() as s:
        conn = s.connection()
        conn.execute(update(models.tenants).where(models.tenants.c.id == tenant.id).values(
            webhook_url=url, webhook_secret_enc=sealed))
        ctx.audit(conn, tenant_id=tenant.id, actor=actor, action="webhook.set", target=url)
    return secret


def clear_webhook(ctx: IssuerContext, tenant: Tenant, *, actor: str) -> None:
    """No webhook for ``tenant`` any more (its key is deleted)."""
    with ctx.db.session() as s:
        conn = s.connection()
        conn.execute(update(models.tenants).where(models.tenants.c.id == tenant.id).values(
            webhook_url=None, webhook_secret_enc=None))
        ctx.audit(conn, tenant_id=tenant.id, actor=actor, action="webhook.clear")


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def notify_batch_completed(ctx: IssuerContext, job_id: str) -> int | None:
    """POST ``batch.completed`` for the finished job ``job_id`` to its tenant's webhook, if
    the tenant has one; records and returns the HTTP status (0: not delivered), or None."""
    with ctx.db.session() as s:
        conn = s.connection()
        job = conn.execute(select(models.jobs).where(models.jobs.c.id == job_id)).first()
        if job is None:
            return None
        tenant = conn.execute(select(models.tenants).where(
            models.tenants.c.id == job.tenant_id)).first()
    if tenant is None or not tenant.webhook_url or not tenant.webhook_secret_enc:
        return None
    now = ctx.now()
    base = f"{ctx.settings.base_url}/api/v1/batches/{job.id}"
    payload = {
        "event": BATCH_COMPLETED, "batch_id": job.id, "tenant": tenant.slug,
        "state": job.state, "total": job.total, "done": job.done, "failed": job.failed,
        "created_at": _iso(job.created_at),
        "completed_at": _iso(job.finished_at if job.finished_at is not None else now),
        "batch_url": base, "items_url": f"{base}/items", "timestamp": int(now),
    }
    status = 0
    try:
        secret = ctx.box.decrypt_text(tenant.webhook_secret_enc,
                                      aad=webhook_secret_aad(tenant.id))
        body, headers = signed_request(secret, BATCH_COMPLETED, new_id(), payload,
                                       timestamp=int(now))
        if ctx.fetcher is None:
            log.warning("batch webhook not sent: the issuer has no outbound client")
        else:
            status, _, _ = ctx.fetcher.post(tenant.webhook_url, content=body, headers=headers,
                                            max_bytes=64 * 1024)
    except Exception as exc:  # refused URL, timeout, connection: recorded, never raised
        code = exc.problems[0].code if isinstance(exc, RotondeError) else type(exc).__name__
        log.warning("batch webhook delivery failed: %s", code)
    with ctx.db.session() as s:
        s.connection().execute(update(models.jobs).where(models.jobs.c.id == job_id).values(
            webhook_status=status, webhook_at=ctx.now()))
    return status
