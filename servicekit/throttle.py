"""Sign-in throttling that holds under concurrency, and a cap on concurrent password checks.

**Counted before checked.** Every sign-in attempt first *reserves* its rows in the failure
table and counts the rows in the window in the same short transaction, serialised per key
(PostgreSQL: transaction-scoped advisory locks on the keys; SQLite: the insert takes the
database's single write lock), so no two attempts count the same state: at most ``limit``
attempts per key get their password checked, across threads and worker processes. A refused
attempt's transaction rolls back (it was not checked), a failed one keeps its reservation (that
*is* the failure record), a successful one removes it and the failures of its own (account,
address or device) pair.

**Keys** (stored as SHA-256 hashes: names and addresses are personal data):

* ``pair`` — (account name, client address), or (account name, known device): at most
  ``max_failures`` failures per ``window``, then refused (OWASP Authentication Cheat Sheet,
  "account lockout" scoped to where the guesses come from);
* ``addr`` — the client address across all names (password spraying): ``ADDRESS_FACTOR`` ×
  ``max_failures`` per window; not counted for a known device;
* ``acct`` — the account name from addresses that are *not* a known device: after
  ``max_failures`` failures in the window each further attempt must wait a delay that doubles
  with every failure (1 s, 2 s, 4 s ... up to ``window``) since the previous one (NIST SP 800-63B
  §5.2.2 rate limiting without permanent lock-out).

A *known device* is a browser that signed in to this account before (a random cookie whose hash
the service stores, see :mod:`servicekit.accounts`): attackers elsewhere slow down sign-in from
new places, never the owner's own device.

:class:`Gate` caps concurrent argon2 computations per process (each costs 64 MiB and ~0.1 s of
CPU): a request over the cap is answered "try again shortly" at once instead of queueing for the
thread pool every other request needs.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, text

from rotonde.clock import Clock
from rotonde.errors import PolicyError
from servicekit.db import Database

__all__ = ["ADDRESS_FACTOR", "SIGN_IN_GATE", "Attempt", "Gate", "LoginThrottle"]

#: Failures one client address may cause across all account names, per ``max_failures``.
ADDRESS_FACTOR = 10


class Gate:
    """At most ``size`` holders at once; :meth:`slot` never waits (``account.busy``)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._sem = threading.BoundedSemaphore(size)

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._sem.acquire(blocking=False):
            raise PolicyError(
                "account.busy",
                "many people are signing in right now; please try again in a few seconds",
                message_nl="er wordt nu veel tegelijk ingelogd; probeer het over een paar "
                           "seconden opnieuw",
                detail={"retry_after": 2},
            )
        try:
            yield
        finally:
            self._sem.release()


#: The process-wide cap on concurrent password hashing and checking (one per core, at least 2).
SIGN_IN_GATE = Gate(max(2, os.cpu_count() or 2))


def _key(kind: str, *parts: str) -> str:
    return f"{kind}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _lock_id(key: str) -> int:
    """A PostgreSQL advisory lock number (signed 64-bit) for a key."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


@dataclass(frozen=True, slots=True)
class Attempt:
    """The rows one attempt reserved (ids) and its pair key."""

    ids: tuple[int, ...]
    pair: str


def _limited(retry_after: float, *, new_device: bool = False) -> PolicyError:
    seconds = max(1, math.ceil(retry_after))
    if new_device:
        return PolicyError(
            "account.slowed_down",
            f"this account had many failed sign-ins; from a device it was not used on before, "
            f"wait {seconds} seconds and try again",
            message_nl=f"bij dit account is vaak een verkeerd wachtwoord gegeven; wacht vanaf "
                       f"een nieuw apparaat {seconds} seconden en probeer het opnieuw",
            detail={"retry_after": seconds},
        )
    return PolicyError(
        "account.rate_limited",
        "too many failed attempts; wait a quarter of an hour and try again",
        message_nl="te veel mislukte pogingen; wacht een kwartier en probeer het opnieuw",
        detail={"retry_after": seconds},
    )


class LoginThrottle:
    """Reserve, count and settle sign-in attempts over a failure model (``id``, ``key``,
    ``at``)."""

    def __init__(self, failure: Any, *, max_failures: int, window: float) -> None:
        self.failure = failure
        self.max_failures = max_failures
        self.window = window

    def reserve(self, db: Database, clock: Clock, *, name: str, client: str,
                device: str | None) -> Attempt:
        """Count this attempt; raises ``account.rate_limited`` / ``account.slowed_down`` (the
        password must then not be checked). ``device``: the hash of a known device of the
        account, or ``None``."""
        now = clock.now()
        pair = _key("dev", name, device) if device else _key("pair", name, client)
        keys = [pair] if device else [pair, _key("addr", client), _key("acct", name)]
        f = self.failure
        with db.session() as s:  # one transaction: a refusal rolls the reservation back
            if db.dialect == "postgresql":
                for k in sorted(keys):  # same order everywhere: no deadlock
                    s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_id(k)})
            rows = [f(key=k, at=now) for k in keys]
            s.add_all(rows)
            s.flush()  # SQLite: the first write takes the database's write lock
            attempt = Attempt(tuple(int(r.id) for r in rows), pair)
            self._check(s, attempt, keys, now, new_device=device is None)
        return attempt

    def _check(self, s: Any, attempt: Attempt, keys: list[str], now: float, *,
               new_device: bool) -> None:
        f = self.failure
        since = now - self.window
        limits = [self.max_failures, ADDRESS_FACTOR * self.max_failures]
        for key, limit in zip(keys[:2], limits, strict=False):
            count, oldest = s.execute(select(func.count(), func.min(f.at))
                                      .where(f.key == key, f.at > since)).one()
            if count > limit:
                raise _limited(oldest + self.window - now)
        if not new_device:
            return
        others = s.execute(select(f.at).where(
            f.key == keys[2], f.at > since, f.id != attempt.ids[2])).scalars().all()
        if len(others) < self.max_failures:
            return
        delay = min(2.0 ** (len(others) - self.max_failures), self.window)
        latest = max(others)
        if latest > now - delay:
            raise _limited(latest + delay - now, new_device=True)

    def failed(self, db: Database, clock: Clock) -> None:
        """The reservation stays as the failure; rows older than two windows are purged."""
        with db.session() as s:
            s.execute(delete(self.failure).where(self.failure.at < clock.now() - 2 * self.window))

    def succeeded(self, s: Any, attempt: Attempt) -> None:
        """Inside the sign-in transaction: drop the attempt and its pair's earlier failures."""
        f = self.failure
        s.execute(delete(f).where(f.id.in_(attempt.ids)))
        s.execute(delete(f).where(f.key == attempt.pair))
