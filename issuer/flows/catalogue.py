"""Achievement catalogue: per-tenant templates of achievement records.

A template is an achievement record (``schemas/achievement-record.schema.json``) without the
per-learner members (``learner``, ``award_date``); it is validated as a full record with a
placeholder learner so field errors carry the template's own JSON pointers. The awarding body
is the tenant (filled in from the tenant's names and registry ids if absent): an
``awarding_body.id`` other than the tenant's own identifier is refused
(``achievement.awarding_body_not_tenant``, :func:`check_awarding_body`), here, when a learner's
record is completed and again when a credential is signed, so no tenant can issue in the name of
another school.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from sqlalchemy import Row, func, insert, select, update

from issuer import models
from issuer.context import IssuerContext, dumps, new_id
from issuer.flows.tenants import Tenant
from rotonde.errors import NotFoundError, Problem, ValidationError
from rotonde.learning.record import record_problems

__all__ = [
    "PER_LEARNER",
    "PER_LEARNER_EXTRA",
    "check_awarding_body",
    "check_extra",
    "complete_record",
    "count_achievements",
    "create_achievement",
    "delete_achievement",
    "get_achievement",
    "list_achievements",
    "update_achievement",
    "validate_template",
]

PER_LEARNER = ("learner", "award_date")
#: Record members an issuing call may add for one learner (``extra``); everything else — title,
#: kind, level, qualification, learning outcomes, awarding body, the achievement id — comes
#: from the catalogue entry, which only an ``achievements:write`` key can change.
PER_LEARNER_EXTRA = ("grade",)
_PLACEHOLDER = {"learner": {"name": "placeholder"}, "award_date": "2000-01-01"}


def _with_awarding_body(ctx: IssuerContext, tenant: Tenant, template: dict[str, Any]) -> None:
    if "awarding_body" not in template:
        body: dict[str, Any] = {
            "id": tenant.did,
            "name": {"nl": tenant.name_nl, "en": tenant.name_en},
            "country": tenant.country,
        }
        if tenant.registry_ids():
            body["registry_ids"] = tenant.registry_ids()
        template["awarding_body"] = body


def check_awarding_body(tenant: Tenant, record: dict[str, Any]) -> None:
    """Refuse a record whose awarding body is not the tenant itself (its ``id`` must be the
    tenant's DID, the issuer identifier its credentials are signed under)."""
    body = record.get("awarding_body")
    body_id = body.get("id") if isinstance(body, dict) else None
    if body_id != tenant.did:
        raise ValidationError(
            "achievement.awarding_body_not_tenant",
            f"awarding_body.id must be this issuer's own identifier {tenant.did}",
            message_nl=f"awarding_body.id moet de eigen identificatie van deze uitgever zijn: "
            f"{tenant.did}",
            pointer="/awarding_body/id",
        )


def validate_template(ctx: IssuerContext, tenant: Tenant, data: Any) -> dict[str, Any]:
    """Check a template; raises :class:`ValidationError` with every field problem."""
    if not isinstance(data, dict):
        raise ValidationError("achievement.not_object", "an achievement must be a JSON object",
                              message_nl="een leerresultaat moet een JSON-object zijn", pointer="")
    problems = [
        Problem("achievement.per_learner_field",
                f"{k} is given per learner when issuing, not in the catalogue",
                f"{k} wordt per lerende opgegeven bij uitgifte, niet in de catalogus", f"/{k}")
        for k in PER_LEARNER if k in data
    ]
    if problems:
        raise ValidationError(problems=problems)
    template = copy.deepcopy(data)
    _with_awarding_body(ctx, tenant, template)
    problems = record_problems({**template, **_PLACEHOLDER})
    if problems:
        raise ValidationError(problems=problems)
    check_awarding_body(tenant, template)
    return template


def check_extra(extra: Any, *, pointer: str = "/extra") -> dict[str, Any]:
    """The per-learner members of ``extra``; raises ``issue.extra_not_allowed`` naming every
    member that belongs to the catalogue (nothing is stored then)."""
    if extra is None:
        return {}
    if not isinstance(extra, dict):
        raise ValidationError("issue.extra_not_object", "extra must be a JSON object",
                              message_nl="extra moet een JSON-object zijn", pointer=pointer)
    allowed = ", ".join(PER_LEARNER_EXTRA)
    problems = [
        Problem("issue.extra_not_allowed",
                f"{k!r} cannot be given per learner (only {allowed}): it comes from the "
                f"catalogue entry of the achievement",
                f"{k!r} kan niet per lerende worden opgegeven (alleen {allowed}): het komt uit "
                f"de catalogus bij het leerresultaat",
                f"{pointer}/{_escape(str(k))}")
        for k in extra if k not in PER_LEARNER_EXTRA
    ]
    if problems:
        raise ValidationError(problems=problems)
    return dict(extra)


def _escape(token: str) -> str:
    """A JSON pointer reference token (RFC 6901 §3)."""
    return token.replace("~", "~0").replace("/", "~1")


def complete_record(
    template: dict[str, Any],
    learner: Any,
    award_date: str,
    extra: dict[str, Any] | None = None,
    *,
    achievement_id: str | None = None,
) -> dict[str, Any]:
    """The learner's full record from a template; validated (pointers relative to the record).
    ``extra`` may only hold :data:`PER_LEARNER_EXTRA` members (:func:`check_extra`).

    The record's ``id`` identifies the *achievement* (the catalogue entry), so every learner's
    credential for it, in every format, names the same achievement (Open Badges
    ``Achievement.id``, pathway requirements by achievement)."""
    per_learner = check_extra(extra)
    record = copy.deepcopy(template)
    record.pop("id", None)
    if achievement_id:
        record["id"] = f"urn:uuid:{achievement_id}"
    record.update(per_learner)
    record["learner"] = learner
    record["award_date"] = award_date
    problems = record_problems(record)
    if problems:
        raise ValidationError(problems=problems)
    return record


def _not_found() -> NotFoundError:
    return NotFoundError("achievement.not_found", "achievement not found",
                       message_nl="leerresultaat niet gevonden")


def create_achievement(
    ctx: IssuerContext, tenant: Tenant, data: Any, *, actor: str
) -> dict[str, Any]:
    template = validate_template(ctx, tenant, data)
    ach_id = new_id()
    now = ctx.now()
    with ctx.db.session() as s:
        conn = s.connection()
        conn.execute(insert(models.achievements).values(
            id=ach_id, tenant_id=tenant.id, template=dumps(template), created_at=now,
            updated_at=now, deleted=False,
        ))
        ctx.audit(conn, tenant_id=tenant.id, actor=actor, action="achievement.create",
                  target=ach_id)
    return {"id": ach_id, "template": template, "created_at": now, "updated_at": now}


def _row(ctx: IssuerContext, tenant: Tenant, ach_id: str) -> Row[Any]:
    with ctx.db.session() as s:
        row = s.connection().execute(
            select(models.achievements).where(
                models.achievements.c.id == ach_id,
                models.achievements.c.tenant_id == tenant.id,
                models.achievements.c.deleted.is_(False),
            )
        ).first()
    if row is None:
        raise _not_found()
    return row


def get_achievement(ctx: IssuerContext, tenant: Tenant, ach_id: str) -> dict[str, Any]:
    row = _row(ctx, tenant, ach_id)
    return {"id": row.id, "template": json.loads(row.template), "created_at": row.created_at,
            "updated_at": row.updated_at}


def count_achievements(ctx: IssuerContext, tenant: Tenant) -> int:
    """How many achievements the tenant's catalogue has (retired ones not counted)."""
    with ctx.db.session() as s:
        total = s.connection().execute(
            select(func.count()).select_from(models.achievements).where(
                models.achievements.c.tenant_id == tenant.id,
                models.achievements.c.deleted.is_(False))).scalar()
    return int(total or 0)


def list_achievements(
    ctx: IssuerContext, tenant: Tenant, *, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    with ctx.db.session() as s:
        rows = s.connection().execute(
            select(models.achievements).where(
                models.achievements.c.tenant_id == tenant.id,
                models.achievements.c.deleted.is_(False),
            ).order_by(models.achievements.c.created_at, models.achievements.c.id)
            .limit(limit).offset(offset)
        ).all()
    return [{"id": r.id, "template": json.loads(r.template), "created_at": r.created_at,
             "updated_at": r.updated_at} for r in rows]


def catalogue_kinds(ctx: IssuerContext, tenant: Tenant) -> set[str]:
    """The record kinds the tenant's catalogue can issue (its live achievements' ``kind``):
    the SD-JWT VC configurations its metadata advertises (OpenID4VCI §12.2.4)."""
    with ctx.db.session() as s:
        rows = s.connection().execute(
            select(models.achievements.c.template).where(
                models.achievements.c.tenant_id == tenant.id,
                models.achievements.c.deleted.is_(False),
            )
        ).all()
    kinds: set[str] = set()
    for (template,) in rows:
        kind = json.loads(template).get("kind")
        if isinstance(kind, str):
            kinds.add(kind)
    return kinds


def update_achievement(
    ctx: IssuerContext, tenant: Tenant, ach_id: str, data: Any, *, actor: str
) -> dict[str, Any]:
    _row(ctx, tenant, ach_id)
    template = validate_template(ctx, tenant, data)
    now = ctx.now()
    with ctx.db.session() as s:
        conn = s.connection()
        conn.execute(update(models.achievements).where(
            models.achievements.c.id == ach_id, models.achievements.c.tenant_id == tenant.id
        ).values(template=dumps(template), updated_at=now))
        ctx.audit(conn, tenant_id=tenant.id, actor=actor, action="achievement.update",
                  target=ach_id)
    return get_achievement(ctx, tenant, ach_id)


def delete_achievement(ctx: IssuerContext, tenant: Tenant, ach_id: str, *, actor: str) -> None:
    _row(ctx, tenant, ach_id)
    with ctx.db.session() as s:
        conn = s.connection()
        conn.execute(update(models.achievements).where(
            models.achievements.c.id == ach_id, models.achievements.c.tenant_id == tenant.id
        ).values(deleted=True, updated_at=ctx.now()))
        ctx.audit(conn, tenant_id=tenant.id, actor=actor, action="achievement.delete",
                  target=ach_id)
