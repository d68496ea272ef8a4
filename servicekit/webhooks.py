"""Signed webhooks: the one signature scheme of every Rotonde webhook (the verifier's
``verification.completed``, the issuer's ``batch.completed``).

A webhook is ``POST <url>`` with a JSON body and the header::

    X-Rotonde-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>

The receiver recomputes the HMAC over the timestamp and the exact body bytes it received,
compares in constant time and refuses a timestamp more than :data:`TOLERANCE` seconds from its
own clock (a replay window; deliveries also carry a unique id to de-duplicate within it).
:func:`verify_signature` is exactly that check, for receivers written in Python. The HMAC is
RFC 2104 with SHA-256 (FIPS 180-4); docs/webhooks.md describes it for other languages.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

__all__ = [
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "TOLERANCE",
    "sign",
    "signed_request",
    "verify_signature",
]

SIGNATURE_HEADER = "X-Rotonde-Signature"
EVENT_HEADER = "X-Rotonde-Event"
DELIVERY_HEADER = "X-Rotonde-Delivery"
#: Seconds a receiver accepts between the signature's timestamp and its own clock.
TOLERANCE = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-Rotonde-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(secret: str, body: bytes, header: str, *, now: float,
                     tolerance: float = TOLERANCE) -> bool:
    """What a receiver does: parse ``t`` and ``v1``, refuse a stale or future timestamp,
    recompute the HMAC and compare in constant time."""
    try:
        parts = dict(p.strip().split("=", 1) for p in header.split(","))
        ts = int(parts["t"])
        given = parts["v1"]
    except (ValueError, KeyError):
        return False
    if abs(now - ts) > tolerance:
        return False
    expected = hmac.new(secret.encode(), str(ts).encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest().encode(), given.encode())


def signed_request(secret: str, event: str, delivery_id: str, payload: dict[str, Any], *,
                   timestamp: int) -> tuple[bytes, dict[str, str]]:
    """The body (compact JSON) and headers of one delivery of ``event``."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "content-type": "application/json",
        SIGNATURE_HEADER.lower(): sign(secret, body, timestamp),
        EVENT_HEADER.lower(): event,
        DELIVERY_HEADER.lower(): delivery_id,
    }
    return body, headers
