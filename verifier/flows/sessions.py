"""Presentation sessions in the database: create, look up, claim once, complete.

The database is the arbiter so any worker can serve any step: :func:`take` / :func:`finish`
store a result with one conditional UPDATE from ``pending``/``retrieved`` to ``completed``
in the transaction that writes it, so a second
response for the same ``state`` (a replay, or a race between workers) finds nothing to answer,
and a crash before it leaves the session open. (:func:`claim`, which parks a session in
``processing``, is kept for callers that need an exclusive lease; a crash can strand it.)
A response that does not prove it belongs to the session is only recorded for display
(:func:`record_attempt`); it never ends the session.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rotonde.errors import RotondeError
from rotonde.keys import PrivateKey
from rotonde.oid4vp import new_nonce
from servicekit.db import rowcount
from verifier.flows.context import VerifierContext
from verifier.models import VerificationSession

__all__ = [
    "SessionView",
    "claim",
    "complete",
    "create_session",
    "encryption_key",
    "finish",
    "get_session",
    "mark_retrieved",
    "record_attempt",
    "store_result",
    "take",
]

OPEN = ("pending", "retrieved")


@dataclass(frozen=True)
class SessionView:
    id: str
    kind: str
    status: str
    state: str | None
    nonce: str | None
    client_id: str | None
    title: str
    dcql_query: dict[str, Any] | None
    requirement: dict[str, Any] | None
    created_at: float
    expires_at: float
    completed_at: float | None
    verdict: str | None
    result: dict[str, Any] | None
    api_client: str | None
    response_mode: str = "direct_post"
    enc_kid: str | None = None

    def expired(self, now: float) -> bool:
        return self.status in OPEN and now >= self.expires_at

    def public_status(self, now: float) -> str:
        return "expired" if self.expired(now) else self.status


def _view(row: VerificationSession) -> SessionView:
    return SessionView(
        row.id, row.kind, row.status, row.state, row.nonce, row.client_id, row.title,
        json.loads(row.dcql_query) if row.dcql_query else None,
        json.loads(row.requirement) if row.requirement else None,
        row.created_at, row.expires_at, row.completed_at, row.verdict,
        json.loads(row.result) if row.result else None, row.api_client,
        row.response_mode or "direct_post", row.enc_kid,
    )


def create_session(
    ctx: VerifierContext,
    *,
    kind: str,
    title: str,
    dcql_query: dict[str, Any] | None,
    requirement: dict[str, Any] | None,
    client_id: str | None,
    api_client: str | None = None,
    with_state: bool = True,
    response_mode: str = "direct_post",
) -> SessionView:
    now = ctx.clock.now()
    enc_kid = enc_key = None
    if response_mode == "direct_post.jwt":
        from rotonde.keys import generate

        enc_kid = new_nonce(16)
        key = generate("ES256")
        enc_key = ctx.box.encrypt_text(json.dumps(key.to_jwk()), aad=enc_kid)
    row = VerificationSession(
        id=new_nonce(18), kind=kind, status="pending",
        state=new_nonce(24) if with_state else None,
        nonce=new_nonce(24) if with_state else None, client_id=client_id, title=title[:200],
        dcql_query=json.dumps(dcql_query) if dcql_query is not None else None,
        requirement=json.dumps(requirement) if requirement else None,
        created_at=now, expires_at=now + ctx.settings.request_ttl, api_client=api_client,
        response_mode=response_mode, enc_kid=enc_kid, enc_key=enc_key,
    )
    with ctx.db.session() as s:
        s.add(row)
    return _view(row)


def get_session(ctx: VerifierContext, *, id: str | None = None, state: str | None = None,
                enc_kid: str | None = None) -> SessionView | None:
    given = [v for v in (id, state, enc_kid) if v is not None]
    if len(given) != 1 or len(given[0]) > 128:
        return None
    with ctx.db.session() as s:
        if id is not None:
            cond = VerificationSession.id == id
        elif state is not None:
            cond = VerificationSession.state == state
        else:
            cond = VerificationSession.enc_kid == enc_kid
        row = s.execute(select(VerificationSession).where(cond)).scalar_one_or_none()
        return _view(row) if row is not None else None


def mark_retrieved(ctx: VerifierContext, session_id: str) -> None:
    with ctx.db.session() as s:
        s.execute(update(VerificationSession).where(
            VerificationSession.id == session_id, VerificationSession.status == "pending",
        ).values(status="retrieved"))


def claim(ctx: VerifierContext, session_id: str) -> bool:
    """Take the session for processing; False when it is not open or has expired."""
    now = ctx.clock.now()
    with ctx.db.session() as s:
        res = s.execute(update(VerificationSession).where(
            VerificationSession.id == session_id,
            VerificationSession.status.in_(OPEN),
            VerificationSession.expires_at > now,
        ).values(status="processing"))
        return rowcount(res) == 1


def complete(ctx: VerifierContext, session_id: str, result: dict[str, Any],
             raw: Any = None, *, status: str = "completed") -> None:
    blob = None
    if raw is not None:
        blob = ctx.box.encrypt_text(json.dumps(raw), aad=session_id)
    with ctx.db.session() as s:
        s.execute(update(VerificationSession).where(VerificationSession.id == session_id).values(
            status=status, verdict=result.get("verdict"), result=json.dumps(result),
            completed_at=ctx.clock.now(), raw=blob))


def take(s: Session, session_id: str) -> bool:
    """Inside the transaction ``s`` that will also store the result: move an open session
    (pending or retrieved) to ``completed`` with one conditional UPDATE. Of concurrent
    responses on any number of workers exactly one gets True (the row lock makes the others
    wait and then find it answered); a crash before the commit leaves the session open."""
    res = s.execute(update(VerificationSession).where(
        VerificationSession.id == session_id,
        VerificationSession.status.in_(OPEN),
    ).values(status="completed"))
    return rowcount(res) == 1


def store_result(ctx: VerifierContext, s: Session, session_id: str, result: dict[str, Any],
                 raw: Any = None) -> None:
    """Write the result of a session taken with :func:`take` (same transaction)."""
    blob = None
    if raw is not None:
        blob = ctx.box.encrypt_text(json.dumps(raw), aad=session_id)
    s.execute(update(VerificationSession).where(VerificationSession.id == session_id).values(
        status="completed", verdict=result.get("verdict"), result=json.dumps(result),
        completed_at=ctx.clock.now(), raw=blob))


def record_attempt(ctx: VerifierContext, session_id: str, result: dict[str, Any]) -> bool:
    """Show ``result`` as the open session's latest answer without ending it.

    For a response that does not prove it was made for this session (OpenID4VP 1.0 §14.1.2:
    no presentation bound to its nonce; §8.5 error responses carry no proof at all): anyone
    who saw the request QR code knows its ``state``. The verdict and result (marked
    ``"final": false``) are written with one conditional UPDATE on an open, unexpired session,
    so a completed session is never overwritten and the wallet may still answer until the
    request expires. False when the session was no longer open.
    """
    now = ctx.clock.now()
    with ctx.db.session() as s:
        res = s.execute(update(VerificationSession).where(
            VerificationSession.id == session_id,
            VerificationSession.status.in_(OPEN),
            VerificationSession.expires_at > now,
        ).values(verdict=result.get("verdict"), result=json.dumps({**result, "final": False})))
        return rowcount(res) == 1


def finish(ctx: VerifierContext, session_id: str, result: dict[str, Any],
           raw: Any = None) -> bool:
    """Store ``result`` only if the session is still open (:func:`take` + :func:`store_result`
    in one transaction); False when it was already answered."""
    with ctx.db.session() as s:
        if not take(s, session_id):
            return False
        store_result(ctx, s, session_id, result, raw)
        return True


def encryption_key(ctx: VerifierContext, session: SessionView) -> PrivateKey | None:
    """The session's private ECDH-ES key for ``direct_post.jwt`` (``None`` otherwise)."""
    if session.enc_kid is None:
        return None
    from rotonde.keys import private_key_from_jwk

    with ctx.db.session() as s:
        blob = s.execute(select(VerificationSession.enc_key).where(
            VerificationSession.id == session.id)).scalar_one_or_none()
    if not blob:
        return None
    return private_key_from_jwk(json.loads(ctx.box.decrypt_text(blob, aad=session.enc_kid)))


def raw_presentation(ctx: VerifierContext, session_id: str) -> Any:
    with ctx.db.session() as s:
        row = s.execute(select(VerificationSession.raw).where(
            VerificationSession.id == session_id)).scalar_one_or_none()
    if not row:
        return None
    try:
        return json.loads(ctx.box.decrypt_text(row, aad=session_id))
    except (RotondeError, ValueError):
        return None
