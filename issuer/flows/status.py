"""Status lists for one tenant: random, transactional index allocation and list rendering.

One allocation ``(list, idx)`` per issued record drives all its formats (one record status,
docs/architecture.md §3): the Bitstring Status List credentials for ``revocation`` and ``suspension``
(W3C Bitstring Status List 1.0 §2.2, signed with Data Integrity ``eddsa-rdfc-2022``) and the
Token Status List JWT (values 0 VALID, 1 INVALID, 2 SUSPENDED; IETF Token Status List §7.1).

Indices are drawn at random (§5.1 herd privacy) and claimed with an INSERT on the
``(list_id, idx)`` primary key inside a savepoint: a collision, also between concurrent
workers on PostgreSQL, just retries with another index. A list is closed at half capacity so
random draws stay cheap; then the next list is opened.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.exc import IntegrityError

from issuer import models
from issuer.context import IssuerContext, new_id
from issuer.flows.tenants import Tenant, signer_for

__all__ = [
    "allocate_index",
    "bitstring_credential",
    "list_urls",
    "published_list",
    "status_snapshot",
    "token_status_list",
]


def list_urls(ctx: IssuerContext, tenant: Tenant, number: int) -> dict[str, str]:
    base = f"{ctx.tenant_base(tenant.slug)}/status/{number}"
    return {"revocation": base + "/revocation", "suspension": base + "/suspension",
            "token": base + "/token"}


def _open_list(ctx: IssuerContext, conn: Connection, tenant: Tenant) -> tuple[str, int, int]:
    """The tenant's current list with room left (id, number, size), creating one if needed."""
    row = conn.execute(
        select(models.status_lists).where(models.status_lists.c.tenant_id == tenant.id)
        .order_by(models.status_lists.c.number.desc()).limit(1)
    ).first()
    if row is not None:
        claimed = conn.execute(
            update(models.status_lists)
            .where(models.status_lists.c.id == row.id, models.status_lists.c.used < row.size // 2)
            .values(used=models.status_lists.c.used + 1)
        )
        if claimed.rowcount == 1:
            return row.id, row.number, row.size
    number = 1 if row is None else row.number + 1
    list_id = new_id()
    try:
        with conn.begin_nested():
            conn.execute(insert(models.status_lists).values(
                id=list_id, tenant_id=tenant.id, number=number,
                size=ctx.settings.status_list_size, used=1, created_at=ctx.now(),
            ))
    except IntegrityError:  # another worker opened it first
        return _open_list(ctx, conn, tenant)
    return list_id, number, ctx.settings.status_list_size


def allocate_index(
    ctx: IssuerContext, conn: Connection, tenant: Tenant, issued_id: str
) -> tuple[str, int, int]:
    """Claim a random free index for ``issued_id``; returns (list_id, list_number, idx)."""
    list_id, number, size = _open_list(ctx, conn, tenant)
    for _ in range(64):
        idx = ctx.rng.randrange(size)
        try:
            with conn.begin_nested():
                conn.execute(insert(models.status_entries).values(
                    list_id=list_id, idx=idx, issued_id=issued_id))
            return list_id, number, idx
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a status index")  # pragma: no cover - < 2**-64


def status_snapshot(
    ctx: IssuerContext, tenant: Tenant, number: int
) -> tuple[Row[Any] | None, list[tuple[int, str]]]:
    """The list row and its (idx, status) pairs that are not active."""
    with ctx.db.session() as s:
        conn = s.connection()
        row = conn.execute(select(models.status_lists).where(
            models.status_lists.c.tenant_id == tenant.id, models.status_lists.c.number == number
        )).first()
        if row is None:
            return None, []
        flagged = conn.execute(select(models.issued.c.idx, models.issued.c.status).where(
            models.issued.c.list_id == row.id, models.issued.c.status != "active"
        )).all()
    return row, [(idx, status) for idx, status in flagged]


def bitstring_credential(
    ctx: IssuerContext, tenant: Tenant, number: int, purpose: str
) -> dict[str, Any] | None:
    """The signed BitstringStatusListCredential for ``purpose`` (None if no such list)."""
    from rotonde.proofs import add_proof
    from rotonde.status.bitstring import BitstringStatusList, build_status_list_credential

    row, flagged = status_snapshot(ctx, tenant, number)
    if row is None:
        return None
    bits = BitstringStatusList(row.size)
    wanted = "revoked" if purpose == "revocation" else "suspended"
    for idx, status in flagged:
        if status == wanted:
            bits.set(idx, 1)
    url = list_urls(ctx, tenant, number)[purpose]
    now = ctx.now()
    credential = build_status_list_credential(
        id=url, issuer=tenant.did, status_list=bits, purpose=purpose, valid_from=now,
        valid_until=now + 24 * 3600, ttl=ctx.settings.status_max_age * 1000,
    )
    signer = signer_for(ctx, tenant, "di")
    return add_proof(credential, signer=signer, verification_method=signer.kid or "",
                     clock=ctx.clock)


def token_status_list(ctx: IssuerContext, tenant: Tenant, number: int) -> str | None:
    """The Token Status List JWT (2 bits per entry) for list ``number``."""
    from rotonde.status.token import StatusList, issue_status_list_token

    row, flagged = status_snapshot(ctx, tenant, number)
    if row is None:
        return None
    lst = StatusList(row.size, bits=2)
    for idx, status in flagged:
        lst.set(idx, 1 if status == "revoked" else 2)
    url = list_urls(ctx, tenant, number)["token"]
    signer = signer_for(ctx, tenant, "jose")
    return issue_status_list_token(
        lst, uri=url, signer=signer, issuer=tenant.did, clock=ctx.clock,
        ttl=ctx.settings.status_max_age, kid=signer.kid,
    )


def _fingerprint(row: Row[Any], flagged: list[tuple[int, str]], purpose: str) -> str:
    import hashlib

    h = hashlib.sha256(f"{row.id}:{row.size}:{purpose}".encode())
    for idx, status in sorted(flagged):
        h.update(f"{idx}={status};".encode())
    return h.hexdigest()[:32]


def published_list(
    ctx: IssuerContext, tenant: Tenant, number: int, purpose: str
) -> tuple[str, bytes, str] | None:
    """``(etag, body, media_type)`` for a list; the ETag follows the list's content, and a
    signed rendering is reused while the content is unchanged and younger than half its
    max-age (so conditional requests and caches work although each signing differs)."""
    import json

    row, flagged = status_snapshot(ctx, tenant, number)
    if row is None:
        return None
    etag = '"' + _fingerprint(row, flagged, purpose) + '"'
    key = (tenant.id, number, purpose)
    cache = ctx.status_cache
    hit = cache.get(key)
    if hit and hit[0] == etag and ctx.now() - hit[3] < ctx.settings.status_max_age / 2:
        return hit[0], hit[1], hit[2]
    if purpose == "token":
        token = token_status_list(ctx, tenant, number)
        assert token is not None
        body, media = token.encode(), "application/statuslist+jwt"
    else:
        credential = bitstring_credential(ctx, tenant, number, purpose)
        assert credential is not None
        body = json.dumps(credential, separators=(",", ":"), ensure_ascii=False).encode()
        media = "application/vc+ld+json"
    cache[key] = (etag, body, media, ctx.now())
    return etag, body, media
