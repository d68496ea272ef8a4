"""Optional webhook to an HR system when a result is ready.

``POST <webhook_url>`` with a JSON body ``{"event": "verification.completed", "session_id",
"verdict", "result_url", "api_client", "timestamp"}`` and the header
``X-Rotonde-Signature: t=<unix time>,v1=<hex HMAC-SHA256 over "<t>.<body>">`` keyed with
``webhook_secret`` (:mod:`servicekit.webhooks`, the one scheme of every Rotonde webhook; the
receiver recomputes it and rejects stale timestamps). Delivery runs in a background thread,
through the verifier's Fetcher (URL policy, deadline, size cap: the receiver must be reachable
under the same policy as every outbound request); failures are logged and stored as the HTTP
status (0: not delivered), never raised.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING, Any

from servicekit.webhooks import TOLERANCE, sign, verify_signature
from verifier.flows.context import VerifierContext

if TYPE_CHECKING:
    from verifier.flows.sessions import SessionView

__all__ = ["notify", "sign_webhook", "verify_webhook"]

log = logging.getLogger("rotonde.verifier")


def sign_webhook(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-Rotonde-Signature`` value (:func:`servicekit.webhooks.sign`)."""
    return sign(secret, body, timestamp)


def verify_webhook(secret: str, body: bytes, header: str, *, now: float,
                   tolerance: float = TOLERANCE) -> bool:
    """What a receiver does (:func:`servicekit.webhooks.verify_signature`)."""
    return verify_signature(secret, body, header, now=now, tolerance=tolerance)


def _send(ctx: VerifierContext, session_id: str, body: bytes, headers: dict[str, str]) -> None:
    from sqlalchemy import update

    from verifier.models import VerificationSession

    status = 0
    try:
        if ctx.webhook_sender is not None:
            status = int(ctx.webhook_sender(ctx.settings.webhook_url, body, headers))
        else:
            status, _, _ = ctx.fetcher.post(ctx.settings.webhook_url, content=body,
                                            headers=headers, max_bytes=64 * 1024)
    except Exception as exc:  # delivery problems must never break a verification
        log.warning("webhook delivery failed: %s", type(exc).__name__)
    with ctx.db.session() as s:
        s.execute(update(VerificationSession).where(VerificationSession.id == session_id)
                  .values(webhook_status=status))


def notify(ctx: VerifierContext, session: SessionView, result: dict[str, Any], *,
           background: bool = True) -> None:
    if not ctx.settings.webhook_url:
        return
    ts = int(ctx.clock.now())
    body = json.dumps({
        "event": "verification.completed", "session_id": session.id,
        "verdict": result.get("verdict"), "api_client": session.api_client,
        "result_url": f"{ctx.settings.base_url}/api/requests/{session.id}", "timestamp": ts,
    }, separators=(",", ":")).encode()
    headers = {"content-type": "application/json",
               "x-rotonde-signature": sign_webhook(ctx.settings.webhook_secret, body, ts)}
    if background:
        threading.Thread(target=_send, args=(ctx, session.id, body, headers),
                         daemon=True).start()
    else:
        _send(ctx, session.id, body, headers)
