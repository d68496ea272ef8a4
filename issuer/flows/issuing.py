"""Issue an achievement to a learner: validate the record, reserve a status entry and create a
pre-authorized OpenID4VCI offer (docs/architecture.md §3 step 1). Signing happens later, at redemption.

Everything for one learner — issued row, status index, offer, pre-authorized code — is written
in one transaction, so a failure leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, func, insert, or_, select, update

from issuer import models
from issuer.context import IssuerContext, dumps, new_id
from issuer.flows.catalogue import check_awarding_body, complete_record, get_achievement
from issuer.flows.render import all_configurations, configurations_for
from issuer.flows.status import allocate_index
from issuer.flows.tenants import Tenant
from rotonde.errors import ConflictError, NotFoundError, ValidationError
from rotonde.oid4vci import CredentialOffer, TxCode, offer_uri

__all__ = [
    "IssueResult",
    "change_status",
    "get_issued",
    "issue_to_learner",
    "list_issued",
    "offer_aad",
    "offer_document",
    "purge_expired_details",
    "record_aad",
    "tx_code_hash",
]

PREAUTH_NS = "preauth"


def record_aad(issued_id: str) -> str:
    """Associated data binding an encrypted learner record to its row."""
    return f"record:{issued_id}"


def offer_aad(offer_id: str) -> str:
    """Associated data binding an encrypted pre-authorized code to its offer."""
    return f"offer:{offer_id}"


def tx_code_hash(code: str, tx_code: str) -> str:
    return hashlib.sha256(f"{code}:{tx_code}".encode()).hexdigest()


@dataclass(frozen=True)
class IssueResult:
    issued_id: str
    offer_id: str
    credential_offer_uri: str
    offer_uri: str
    offer_page: str
    tx_code: str
    expires_at: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.issued_id,
            "offer": {
                "id": self.offer_id,
                "credential_offer_uri": self.credential_offer_uri,
                "offer_uri": self.offer_uri,
                "offer_page": self.offer_page,
                "tx_code": self.tx_code,
                "expires_at": datetime.fromtimestamp(self.expires_at, UTC).isoformat(),
            },
        }


def _today(ctx: IssuerContext) -> str:
    return datetime.fromtimestamp(ctx.now(), UTC).strftime("%Y-%m-%d")


def issue_to_learner(
    ctx: IssuerContext,
    tenant: Tenant,
    *,
    achievement_id: str,
    learner: Any,
    award_date: str | None = None,
    learner_ref: str | None = None,
    configurations: list[str] | None = None,
    extra: dict[str, Any] | None = None,
    actor: str,
    job_id: str | None = None,
    conn: Connection | None = None,
) -> IssueResult:
    """Create the issued record and its offer. Raises ValidationError (nothing stored)."""
    template = get_achievement(ctx, tenant, achievement_id)["template"]
    record = complete_record(template, learner, award_date or _today(ctx), extra,
                             achievement_id=achievement_id)
    check_awarding_body(tenant, record)  # also when ``extra`` or an older template set it
    available = all_configurations()
    wanted = configurations or configurations_for(record)
    unknown = [c for c in wanted if c not in available]
    if unknown or len(set(wanted)) != len(wanted):
        raise ValidationError(
            "issue.unknown_configuration",
            f"unknown or repeated credential configurations {unknown}; available: {available}",
            message_nl=f"onbekende of herhaalde credentialconfiguraties {unknown}",
            pointer="/configurations",
        )
    # An offer lists only what this record can be delivered as (OpenID4VCI §4.1.1, §12.2.4):
    # the SD-JWT VC configuration of its own kind (its vct), and the kind-independent forms.
    deliverable = configurations_for(record)
    foreign = [c for c in wanted if c not in deliverable]
    if foreign:
        raise ValidationError(
            "issue.configuration_mismatch",
            f"a {record['kind']} cannot be delivered as {foreign}; it can be as {deliverable}",
            message_nl=f"een {record['kind']} kan niet worden geleverd als {foreign}; "
            f"wel als {deliverable}",
            pointer="/configurations",
        )
    if learner_ref is not None and (not isinstance(learner_ref, str) or len(learner_ref) > 200):
        raise ValidationError("issue.learner_ref", "learner_ref is at most 200 characters",
                              message_nl="learner_ref is hooguit 200 tekens",
                              pointer="/learner_ref")
    if conn is None:
        with ctx.db.session() as s:
            return _store(ctx, s.connection(), tenant, achievement_id, record, learner_ref,
                          wanted, actor, job_id)
    return _store(ctx, conn, tenant, achievement_id, record, learner_ref, wanted, actor, job_id)


def _store(
    ctx: IssuerContext, conn: Connection, tenant: Tenant, achievement_id: str, record: dict[str, Any],
    learner_ref: str | None, wanted: list[str], actor: str, job_id: str | None,
) -> IssueResult:
    issued_id = new_id()
    now = ctx.now()
    list_id, _number, idx = allocate_index(ctx, conn, tenant, issued_id)
    title = record.get("title", {})
    conn.execute(insert(models.issued).values(
        id=issued_id, tenant_id=tenant.id, achievement_id=achievement_id,
        record=ctx.box.encrypt_text(dumps(record), aad=record_aad(issued_id)),
        learner_ref=learner_ref, title=(title.get("nl") or title.get("en") or "")[:300],
        state="offered", status="active", list_id=list_id, idx=idx, job_id=job_id,
        created_at=now,
    ))
    offer_id = secrets.token_urlsafe(24)
    code = secrets.token_urlsafe(32)
    tx = "".join(str(ctx.rng.randrange(10)) for _ in range(ctx.settings.tx_code_length))
    expires = now + ctx.settings.offer_ttl
    conn.execute(insert(models.offers).values(
        id=offer_id, tenant_id=tenant.id, issued_id=issued_id, configuration_ids=dumps(wanted),
        code_enc=ctx.box.encrypt_text(code, aad=offer_aad(offer_id)),
        tx_code_hash=tx_code_hash(code, tx), created_at=now, expires_at=expires,
    ))
    ctx.once.issue(PREAUTH_NS, code, ttl=ctx.settings.offer_ttl, conn=conn, data={
        "tenant_id": tenant.id, "issued_id": issued_id, "offer_id": offer_id,
    })
    ctx.audit(conn, tenant_id=tenant.id, actor=actor, action="credential.issue", target=issued_id)
    base = ctx.tenant_base(tenant.slug)
    ref = f"{base}/credential-offer/{offer_id}"
    return IssueResult(
        issued_id, offer_id, ref, offer_uri(credential_offer_uri=ref),
        f"{base}/offer/{offer_id}", tx, expires,
    )


def offer_document(ctx: IssuerContext, tenant: Tenant, offer_id: str) -> dict[str, Any]:
    """The Credential Offer served by reference (§4.1.3); 404 once expired or redeemed."""
    with ctx.db.session() as s:
        row = s.connection().execute(select(models.offers).where(
            models.offers.c.id == offer_id, models.offers.c.tenant_id == tenant.id
        )).first()
    if row is None or row.expires_at <= ctx.now():
        raise NotFoundError("offer.not_found", "offer not found or expired",
                          message_nl="aanbod niet gevonden of verlopen")
    code = ctx.box.decrypt_text(row.code_enc, aad=offer_aad(offer_id))
    offer = CredentialOffer(
        ctx.tenant_base(tenant.slug), tuple(json.loads(row.configuration_ids)), code,
        TxCode("numeric", ctx.settings.tx_code_length,
               "Voer de code in die u van uw opleider kreeg / enter the code from your provider"),
    )
    return offer.to_dict()


def _public(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id, "achievement_id": row.achievement_id, "title": row.title,
        "learner_ref": row.learner_ref, "state": row.state, "status": row.status,
        "status_reason": row.status_reason,
        "created_at": datetime.fromtimestamp(row.created_at, UTC).isoformat(),
        "redeemed_at": (datetime.fromtimestamp(row.redeemed_at, UTC).isoformat()
                        if row.redeemed_at else None),
        "details_erased": row.erased_at is not None,
    }


def get_issued(ctx: IssuerContext, tenant: Tenant, issued_id: str) -> dict[str, Any]:
    with ctx.db.session() as s:
        row = s.connection().execute(select(models.issued).where(
            models.issued.c.id == issued_id, models.issued.c.tenant_id == tenant.id
        )).first()
    if row is None:
        raise NotFoundError("credential.not_found", "issued credential not found",
                          message_nl="uitgegeven credential niet gevonden")
    return _public(row)


def list_issued(
    ctx: IssuerContext, tenant: Tenant, *, q: str | None = None, status: str | None = None,
    achievement_id: str | None = None, limit: int = 50, offset: int = 0,
) -> dict[str, Any]:
    cond = [models.issued.c.tenant_id == tenant.id]
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        cond.append(or_(models.issued.c.learner_ref.like(like), models.issued.c.title.like(like)))
    if status:
        cond.append(models.issued.c.status == status)
    if achievement_id:
        cond.append(models.issued.c.achievement_id == achievement_id)
    with ctx.db.session() as s:
        conn = s.connection()
        total = conn.execute(select(func.count()).select_from(models.issued).where(*cond)).scalar()
        rows = conn.execute(select(models.issued).where(*cond)
                            .order_by(models.issued.c.created_at.desc(), models.issued.c.id)
                            .limit(limit).offset(offset)).all()
    return {"total": int(total or 0), "items": [_public(r) for r in rows]}


_TRANSITIONS = {"revoke": "revoked", "suspend": "suspended", "reinstate": "active"}


def change_status(
    ctx: IssuerContext, tenant: Tenant, issued_id: str, action: str, *, reason: str, actor: str
) -> dict[str, Any]:
    """Revoke, suspend or reinstate (idempotent: repeating an action changes nothing).

    Revocation is final; only a suspended credential can be reinstated.
    """
    target = _TRANSITIONS[action]
    current = get_issued(ctx, tenant, issued_id)["status"]
    if current == target:
        return get_issued(ctx, tenant, issued_id)
    if current == "revoked":
        raise ConflictError("status.revoked_final", "a revoked credential cannot change status",
                          message_nl="een ingetrokken credential kan niet meer van status wisselen")
    if action == "reinstate" and current != "suspended":
        raise ConflictError("status.not_suspended", "only a suspended credential can be "
                          "reinstated", message_nl="alleen een geschorst credential kan worden "
                          "hersteld")
    with ctx.db.session() as s:
        conn = s.connection()
        conn.execute(update(models.issued).where(
            models.issued.c.id == issued_id, models.issued.c.tenant_id == tenant.id,
            models.issued.c.status == current,
        ).values(status=target, status_reason=reason[:500] if reason else None))
        ctx.audit(conn, tenant_id=tenant.id, actor=actor, action=f"credential.{action}",
                  target=issued_id, reason=reason[:500] if reason else None)
    return get_issued(ctx, tenant, issued_id)


def purge_expired_details(ctx: IssuerContext) -> int:
    """Erase record details past retention (redeemed + retention, or offer expired +
    retention), and expired single-use values. Status rows stay. Returns rows erased."""
    if ctx.settings.retention_days < 0:
        return 0
    cutoff = ctx.now() - ctx.settings.retention_days * 86400
    with ctx.db.session() as s:
        conn = s.connection()
        expired_offers = select(models.offers.c.issued_id).where(
            models.offers.c.expires_at < cutoff)
        result = conn.execute(update(models.issued).where(
            models.issued.c.record.is_not(None),
            or_(and_(models.issued.c.redeemed_at.is_not(None),
                     models.issued.c.redeemed_at < cutoff),
                models.issued.c.id.in_(expired_offers)),
        ).values(record=None, learner_ref=None, erased_at=ctx.now()))
        conn.execute(delete(models.offers).where(models.offers.c.expires_at < cutoff))
        # Batch results hold offer URIs and PINs: keep them only while the offers live.
        conn.execute(update(models.job_items).where(
            models.job_items.c.payload.is_not(None),
            models.job_items.c.job_id.in_(select(models.jobs.c.id).where(
                models.jobs.c.state == "done",
                models.jobs.c.finished_at < ctx.now() - ctx.settings.offer_ttl)),
        ).values(payload=None))
        erased = int(result.rowcount or 0)
    ctx.once.purge_expired(grace=60)
    return erased
