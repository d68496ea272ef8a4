"""Per-account limits on what the wallet fetches for a learner (docs/architecture.md §5).

Every page that makes the wallet contact other servers on a learner's say-so — opening an
offer link, a verifier's request, accepting an offer, answering a request, checking a
credential again, a pathway link — declares it with the
:func:`wallet.routes.deps.fetches_for_learner` dependency, which takes one of the learner's
*outbound slots* for the whole request:

* at most ``fetch_concurrency`` such requests per account at once (per worker process), so one
  learner (or a script holding their session) cannot tie up the wallet's outbound capacity with
  many slow links;
* at most ``fetch_limit`` per ``fetch_window`` seconds per account, counted in the database so
  the limit holds across workers (:mod:`servicekit.ratelimit`).

Over either limit nothing is fetched and the learner sees a page in their language saying what
happened and when to try again (HTTP 429). Each single outbound request is bounded by the
Fetcher itself (one wall-clock deadline, requests in flight per peer address).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rotonde.errors import PolicyError
from servicekit.ratelimit import count_request
from servicekit.replay import OneTimeStore

__all__ = ["OutboundLimit"]


class OutboundLimit:
    """Outbound slots per learner account. Thread-safe."""

    def __init__(self, store: OneTimeStore, *, concurrent: int, limit: int, window: int) -> None:
        self.concurrent = concurrent
        self.limit = limit
        self.window = window
        self._store = store
        self._active: dict[str, int] = {}
        self._lock = threading.Lock()

    def in_flight(self, account: str) -> int:
        with self._lock:
            return self._active.get(account, 0)

    def acquire(self, account: str) -> None:
        """Take one slot of ``account``; raises :class:`PolicyError` when none is free
        (``outbound.busy``) or the account used too many recently (``outbound.rate_limited``).
        """
        with self._lock:
            if self._active.get(account, 0) >= self.concurrent:
                raise PolicyError(
                    "outbound.busy",
                    f"The wallet is already fetching {self.concurrent} links for you. Wait until "
                    "they have finished, then try again.",
                    message_nl=f"De wallet haalt al {self.concurrent} links voor je op. Wacht "
                    "tot die klaar zijn en probeer het dan opnieuw.",
                    detail={"limit": self.concurrent},
                )
            self._active[account] = self._active.get(account, 0) + 1
        try:
            decision = count_request(self._store, "outbound", account, limit=self.limit,
                                     window=self.window)
        except BaseException:
            self.release(account)
            raise
        if not decision.allowed:
            self.release(account)
            minutes = max(1, math.ceil(decision.retry_after / 60))
            raise PolicyError(
                "outbound.rate_limited",
                f"You opened more than {self.limit} links in a short time. Try again in "
                f"{minutes} minute{'s' if minutes > 1 else ''}.",
                message_nl=f"Je hebt in korte tijd meer dan {self.limit} links geopend. "
                f"Probeer het over {minutes} minu{'ten' if minutes > 1 else 'ut'} opnieuw.",
                detail={"limit": self.limit, "window": self.window,
                        "retry_after": decision.retry_after},
            )

    def release(self, account: str) -> None:
        with self._lock:
            left = self._active.get(account, 0) - 1
            if left > 0:
                self._active[account] = left
            else:
                self._active.pop(account, None)

    @contextmanager
    def hold(self, account: str) -> Iterator[None]:
        """One slot of ``account`` for the block (see :meth:`acquire`)."""
        self.acquire(account)
        try:
            yield
        finally:
            self.release(account)
