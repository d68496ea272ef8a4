"""Per-tenant API keys with scopes. Tokens are 256-bit random values; only their SHA-256 is
stored (a slow hash adds nothing for high-entropy secrets)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert, select

from issuer import models
from issuer.context import IssuerContext, new_id
from rotonde.errors import ValidationError

__all__ = ["SCOPES", "Principal", "authenticate", "new_api_key"]

#: Scopes an API key can carry.
SCOPES = ("achievements:read", "achievements:write", "issue", "credentials:read", "status:write")
_PREFIX = "rtk_"


@dataclass(frozen=True)
class Principal:
    key_id: str
    tenant_id: str
    scopes: frozenset[str]

    @property
    def actor(self) -> str:
        return f"apikey:{self.key_id}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_api_key(
    ctx: IssuerContext, tenant_id: str, *, scopes: Iterable[str] = SCOPES, label: str = "",
    actor: str = "cli",
) -> tuple[str, str]:
    """Create a key; returns ``(key_id, token)``. The token is shown once and never stored."""
    wanted = sorted(set(scopes))
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown or not wanted:
        raise ValidationError(
            "apikey.scopes", f"unknown or empty scopes: {unknown}; known: {', '.join(SCOPES)}",
            message_nl=f"onbekende of lege scopes: {unknown}",
        )
    token = _PREFIX + secrets.token_urlsafe(32)
    key_id = new_id()
    with ctx.db.session() as s:
        conn = s.connection()
        conn.execute(insert(models.api_keys).values(
            id=key_id, tenant_id=tenant_id, token_hash=_hash(token), scopes=" ".join(wanted),
            label=label[:200], created_at=ctx.now(),
        ))
        ctx.audit(conn, tenant_id=tenant_id, actor=actor, action="apikey.create", target=key_id)
    return key_id, token


def authenticate(ctx: IssuerContext, token: str) -> Principal | None:
    if not token.startswith(_PREFIX) or len(token) > 200:
        return None
    with ctx.db.session() as s:
        row = s.connection().execute(
            select(models.api_keys).where(
                models.api_keys.c.token_hash == _hash(token),
                models.api_keys.c.revoked_at.is_(None),
            )
        ).first()
    if row is None:
        return None
    return Principal(row.id, row.tenant_id, frozenset(row.scopes.split()))
