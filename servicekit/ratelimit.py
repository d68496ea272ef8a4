"""Fixed-window rate limits that hold across worker processes.

The counter is a row of :class:`servicekit.replay.OneTimeStore` (namespace ``rate:<name>``,
value ``<client key>|<window number>``): :meth:`~servicekit.replay.OneTimeStore.remember`
inserts the window's row once, :meth:`~servicekit.replay.OneTimeStore.count_attempt` adds one
atomically in the database, so every worker sees the same count. Rows expire after two windows
and are removed by ``purge_expired``. Only hashes of the keys are stored (client addresses are
personal data).

Over the limit, endpoints answer 429 with ``Retry-After`` (RFC 6585 §4; RFC 9110 §10.2.3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from starlette.requests import Request

from servicekit.replay import OneTimeStore

__all__ = ["RateDecision", "client_key", "count_request"]


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The outcome of one counted request."""

    allowed: bool
    count: int
    limit: int
    retry_after: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def client_key(request: Request) -> str:
    """The client address the limit applies to (the peer address; a proxy in front must
    pass the real address through uvicorn's ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def count_request(
    store: OneTimeStore, name: str, key: str, *, limit: int, window: int
) -> RateDecision:
    """Count one request of ``key`` against ``limit`` per ``window`` seconds for ``name``."""
    now = store.clock.now()
    number = math.floor(now / window)
    namespace = f"rate:{name}"[:64]
    bucket = f"{key}|{number}"
    store.remember(namespace, bucket, ttl=2 * window)
    # The store burns a value at its limit (harmless here: the row only counts).
    count = store.count_attempt(namespace, bucket, limit=limit + 1)
    retry_after = max(1, math.ceil((number + 1) * window - now))
    return RateDecision(count <= limit, count, limit, retry_after)
