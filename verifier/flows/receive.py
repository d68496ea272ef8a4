"""Receive: the wallet's ``direct_post`` to the response URI (OpenID4VP 1.0 §8.2).

With ``direct_post.jwt`` (§8.3) the ``response`` JWE is decrypted first with the session's
ECDH-ES key, found by the JWE ``kid``; the ``state`` inside must be the session's. The session
is then found by ``state``; it must be open and unexpired.

``state`` is no secret: anyone who sees the request QR code can fetch the request object. So
only a response that proves it was made for this session ends it (§14.1.2): a ``vp_token``
whose every presentation passes holder binding against the session's ``nonce`` and client id
(which implies its signatures verified). Its result is stored with one conditional UPDATE
(:func:`~verifier.flows.sessions.take`) in the transaction that records its presentations
as used: of concurrent responses on any number of workers exactly one is recorded, and a
worker that crashes mid-verification leaves the session open, never half-answered.

Everything else — a malformed body or ``vp_token``, a JWE that does not decrypt,
presentations bound to another nonce or audience (say, a genuine one posted under another
session's ``state``), and §8.5 error responses such as ``access_denied``, which carry no proof
of their sender — is shown as the session's latest verdict (``rejected`` / ``declined``, with
the precise reason, ``"final": false``; :func:`~verifier.flows.sessions.record_attempt`) but
neither ends the session nor consumes a presentation: the wallet may answer again until the
request expires. Malformed input gets an OAuth error (400), never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rotonde.errors import Problem, RotondeError
from rotonde.oid4vp import decrypt_response, jwe_kid, parse_direct_post
from rotonde.verify import VerificationReport
from verifier.flows.context import VerifierContext
from verifier.flows.sessions import (
    OPEN,
    SessionView,
    encryption_key,
    get_session,
    record_attempt,
    store_result,
    take,
)
from verifier.flows.verification import (
    build_result,
    failure_result,
    record_presentations,
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
            record_attempt(ctx, session.id, result)  # anyone can encrypt to the session key
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
        if not record_attempt(ctx, session.id, result):
            return _answered(session)
        return Received(session, result, "invalid_request", exc.message)
    if parsed.is_error:
        # §8.5: unauthenticated; a wallet's refusal is shown, but cannot end the session
        result = failure_result(ctx, "declined", Problem(
            f"wallet.{parsed.error}", parsed.error_description or str(parsed.error),
            parsed.error_description or str(parsed.error)))
        if not record_attempt(ctx, session.id, result):
            return _answered(session)
        return Received(session, result)
    assert parsed.vp_token is not None
    reports = verify_presentations(ctx, parsed.vp_token, nonce=session.nonce,
                                   audience=session.client_id)
    if not _bound(reports):
        result = build_result(ctx, reports, dcql_query=session.dcql_query,
                              requirement=session.requirement)
        if not record_attempt(ctx, session.id, result):
            return _answered(session)
        return Received(session, result, "invalid_request", _UNBOUND)
    # One transaction: take the session, record the presentations as used, store the result.
    final: dict[str, Any] | None = None
    with ctx.db.session() as s:
        if take(s, session.id):
            reports = record_presentations(ctx, parsed.vp_token, reports, conn=s.connection(),
                                           nonce=session.nonce, audience=session.client_id)
            final = build_result(ctx, reports, dcql_query=session.dcql_query,
                                 requirement=session.requirement)
            store_result(ctx, s, session.id, final, raw=parsed.vp_token)
    if final is None:
        return _answered(session)
    notify(ctx, session, final)
    return Received(session, final)


_UNBOUND = ("the presentation is not bound to this request (its nonce and client id, "
            "OpenID4VP 1.0 §14.1.2); nothing was accepted, and the request stays open")


def _bound(reports: Mapping[str, list[VerificationReport]]) -> bool:
    """Does every presentation prove it was made for this session? Holder binding passed
    against the session's nonce and client id (the engine runs it only after the signatures
    it depends on verified)."""
    checks = [r.check("holder_binding") for items in reports.values() for r in items]
    return bool(checks) and all(c is not None and c.outcome == "passed" for c in checks)


def _answered(session: SessionView) -> Received:
    return Received(session, None, "invalid_request",
                    "this presentation request was already answered")
