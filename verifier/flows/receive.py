"""Receive: the wallet's ``direct_post`` to the response URI (OpenID4VP 1.0 §8.2).

With ``direct_post.jwt`` (§8.3) the ``response`` JWE is decrypted first with the session's
ECDH-ES key, found by the JWE ``kid``; the ``state`` inside must be the session's. The session
is then found by ``state``; it must be open and unexpired. The response is verified first and
its result stored with one conditional UPDATE (:func:`~verifier.flows.sessions.finish`): of
concurrent responses on any number of workers exactly one is recorded, and a worker that
crashes mid-verification leaves the session open (still answerable), never half-answered.
Malformed input gives an OAuth error and, when the session is known, a rejected
result with the precise reason — never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rotonde.errors import Problem, RotondeError
from rotonde.oid4vp import decrypt_response, jwe_kid, parse_direct_post
from verifier.flows.context import VerifierContext
from verifier.flows.sessions import (
    OPEN,
    SessionView,
    encryption_key,
    finish,
    get_session,
    store_result,
    take,
)
from verifier.flows.verification import (
    build_result,
    failure_result,
    mark_replays,
    verify_presentations,
)
from verifier.flows.webhook import notify

__all__ = ["Received", "receive_response"]


@dataclass(frozen=True)
class Received:
    """``error`` set → answer the wallet with an OAuth error (400)."""

    session: SessionView | None
    result: dict[str, Any] | None
    error: str | None = None
    description: str = ""


def _decrypt(ctx: VerifierContext, form: Mapping[str, Any]) -> tuple[
        SessionView | None, Mapping[str, Any] | None, str]:
    """§8.3: find the session by the JWE ``kid`` and decrypt with its key."""
    token = form.get("response")
    kid = jwe_kid(token) if isinstance(token, str) else None
    session = get_session(ctx, enc_kid=kid) if kid else None
    if session is None:
        return None, None, "unknown encryption key: no such presentation request"
    key = encryption_key(ctx, session)
    if key is None:
        return session, None, "this request does not take encrypted responses"
    try:
        params = decrypt_response(str(token), key, kid=session.enc_kid)
    except RotondeError as exc:
        return session, None, exc.message
    if params.get("state") != session.state:
        return session, None, "the state inside the encrypted response does not match"
    return session, params, ""


def receive_response(ctx: VerifierContext, form: Mapping[str, Any]) -> Received:
    encrypted = "response" in form
    if encrypted:
        session, params, why = _decrypt(ctx, form)
        if session is None:
            return Received(None, None, "invalid_request", why)
        if params is None:
            result = failure_result(ctx, "rejected", Problem(
                "oid4vp.response_undecryptable", why,
                "het versleutelde antwoord kon niet worden gelezen"))
            if not session.expired(ctx.clock.now()) and finish(ctx, session.id, result):
                notify(ctx, session, result)
            return Received(session, None, "invalid_request", why)
        form = params
    state = form.get("state")
    session = get_session(ctx, state=state) if isinstance(state, str) and state else None
    if session is None or session.kind != "request":
        return Received(None, None, "invalid_request",
                        "unknown or missing state: no such presentation request")
    if (session.response_mode == "direct_post.jwt") != encrypted:
        return Received(session, None, "invalid_request",
                        f"this request expects response_mode {session.response_mode}")
    now = ctx.clock.now()
    if session.expired(now):
        return Received(session, None, "invalid_request", "the presentation request has expired")
    if session.status not in OPEN:
        return _answered(session)
    try:
        parsed = parse_direct_post(form)
    except RotondeError as exc:
        result = failure_result(ctx, "rejected", exc.problems[0])
        if not finish(ctx, session.id, result):
            return _answered(session)
        notify(ctx, session, result)
        return Received(session, result, "invalid_request", exc.message)
    if parsed.is_error:
        result = failure_result(ctx, "declined", Problem(
            f"wallet.{parsed.error}", parsed.error_description or str(parsed.error),
            parsed.error_description or str(parsed.error)))
        if not finish(ctx, session.id, result):
            return _answered(session)
        notify(ctx, session, result)
        return Received(session, result)
    assert parsed.vp_token is not None
    reports = verify_presentations(ctx, parsed.vp_token, nonce=session.nonce,
                                   audience=session.client_id, check_replay=False)
    # One transaction: take the session, record the presentations as used, store the result.
    final: dict[str, Any] | None = None
    with ctx.db.session() as s:
        if take(s, session.id):
            reports = mark_replays(ctx, parsed.vp_token, reports, conn=s.connection())
            final = build_result(ctx, reports, dcql_query=session.dcql_query,
                                 requirement=session.requirement)
            store_result(ctx, s, session.id, final, raw=parsed.vp_token)
    if final is None:
        return _answered(session)
    notify(ctx, session, final)
    return Received(session, final)


def _answered(session: SessionView) -> Received:
    return Received(session, None, "invalid_request",
                    "this presentation request was already answered")
