"""Receive: the wallet's ``direct_post`` to the response URI (OpenID4VP 1.0 §8.2).

The session is found by ``state``; it must be open and unexpired and is claimed exactly once
(any worker). Malformed input gives an OAuth error and, when the session is known, a rejected
result with the precise reason — never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rotonde.errors import Problem, RotondeError
from rotonde.oid4vp import parse_direct_post
from verifier.flows.context import VerifierContext
from verifier.flows.sessions import SessionView, claim, complete, get_session
from verifier.flows.verification import build_result, failure_result, verify_presentations
from verifier.flows.webhook import notify

__all__ = ["Received", "receive_response"]


@dataclass(frozen=True)
class Received:
    """``error`` set → answer the wallet with an OAuth error (400)."""

    session: SessionView | None
    result: dict[str, Any] | None
    error: str | None = None
    description: str = ""


def receive_response(ctx: VerifierContext, form: Mapping[str, Any]) -> Received:
    state = form.get("state")
    session = get_session(ctx, state=state) if isinstance(state, str) and state else None
    if session is None or session.kind != "request":
        return Received(None, None, "invalid_request",
                        "unknown or missing state: no such presentation request")
    now = ctx.clock.now()
    if session.expired(now):
        return Received(session, None, "invalid_request", "the presentation request has expired")
    if not claim(ctx, session.id):
        return Received(session, None, "invalid_request",
                        "this presentation request was already answered")
    try:
        parsed = parse_direct_post(form)
    except RotondeError as exc:
        result = failure_result(ctx, "rejected", exc.problems[0])
        complete(ctx, session.id, result)
        notify(ctx, session, result)
        return Received(session, result, "invalid_request", exc.message)
    if parsed.is_error:
        result = failure_result(ctx, "declined", Problem(
            f"wallet.{parsed.error}", parsed.error_description or str(parsed.error),
            parsed.error_description or str(parsed.error)))
        complete(ctx, session.id, result)
        notify(ctx, session, result)
        return Received(session, result)
    assert parsed.vp_token is not None
    reports = verify_presentations(ctx, parsed.vp_token, nonce=session.nonce,
                                   audience=session.client_id)
    result = build_result(ctx, reports, dcql_query=session.dcql_query,
                          requirement=session.requirement)
    complete(ctx, session.id, result, raw=parsed.vp_token)
    notify(ctx, session, result)
    return Received(session, result)
