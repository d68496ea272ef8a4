"""``Idempotency-Key`` for the provider API (draft-ietf-httpapi-idempotency-key-header §2):
the first response to a (tenant, key) is stored and replayed for a retry with the same request;
the same key with a different request is refused (422)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from issuer import models
from issuer.context import IssuerContext, dumps
from rotonde.errors import ParseError, ValidationError

__all__ = ["run_idempotent"]


def run_idempotent(
    ctx: IssuerContext,
    tenant_id: str,
    key: str | None,
    fingerprint: Any,
    fn: Callable[[], tuple[int, Any]],
) -> tuple[int, Any, bool]:
    """Run ``fn`` once per key. Returns (status, body, replayed)."""
    if key is None:
        status, body = fn()
        return status, body, False
    if not 1 <= len(key) <= 200:
        raise ParseError("idempotency.key_invalid", "Idempotency-Key must be 1-200 chars",
                          message_nl="Idempotency-Key moet 1-200 tekens zijn")
    digest = hashlib.sha256(dumps(fingerprint).encode()).hexdigest()

    def stored() -> tuple[int, Any, bool] | None:
        with ctx.db.session() as s:
            row = s.connection().execute(select(models.idempotency).where(
                models.idempotency.c.tenant_id == tenant_id,
                models.idempotency.c.key == key)).first()
        if row is None:
            return None
        if row.request_hash != digest:
            raise ValidationError("idempotency.key_reused",
                "this Idempotency-Key was used for a different request",
                message_nl="deze Idempotency-Key is gebruikt voor een ander verzoek")
        return int(row.status_code), json.loads(row.response), True

    previous = stored()
    if previous is not None:
        return previous
    status, body = fn()
    if status < 500:
        try:
            with ctx.db.session() as s:
                s.connection().execute(insert(models.idempotency).values(
                    tenant_id=tenant_id, key=key, request_hash=digest, status_code=status,
                    response=dumps(body), created_at=ctx.now()))
        except IntegrityError:  # a concurrent retry stored first: answer as it did
            again = stored()
            if again is not None:
                return again
    return status, body, False
