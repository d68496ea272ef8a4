"""One wall-clock deadline per outbound request (docs/architecture.md §5).

httpx and httpcore time each *operation*: a read that returns one byte starts the next read's
clock afresh, so a peer that drips one header byte every few seconds holds a request for as long
as it likes. The :class:`~rotonde.http.Fetcher` therefore gives every request one
:class:`Deadline` covering name resolution, connect, TLS handshake, the request body, the
response headers and the response body together, and runs the request inside :func:`scope`:

* the connection backend wraps every network stream in :class:`DeadlineStream`, which sets the
  socket timeout to the time *remaining* before every ``recv``, ``send``, connect and TLS
  handshake, and refuses to start one once the deadline has passed. CPython applies a socket
  timeout to one ``recv`` / ``send`` / ``connect`` / ``do_handshake`` call as a whole, so no
  single operation outlives the deadline and the request ends at it, however slowly the peer
  answers;
* name resolution (``getaddrinfo`` has no timeout) runs on a small pool of helper threads and the
  caller waits at most the remaining time (:func:`resolve_within`);
* waiting for a per-host slot or a pooled connection is bounded by the remaining time too.

The scope also carries the addresses the Fetcher resolved and checked for the request's host
(:func:`pinned`), so the backend connects to exactly those (no second lookup, no rebinding).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpcore

from rotonde.errors import FetchError

__all__ = ["MAX_LOOKUPS", "Deadline", "DeadlineStream", "clamp", "pinned", "resolve_within", "scope"]


@dataclass(frozen=True, slots=True)
class Deadline:
    """A point on the monotonic clock by which a request must be done."""

    expires: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        return self.expires - time.monotonic()


@dataclass(frozen=True, slots=True)
class _Scope:
    deadline: Deadline
    answers: Mapping[str, Sequence[str]] = field(default_factory=dict)


#: The request running on this thread (httpx's sync client does all its I/O on the caller's
#: thread, so a context variable reaches the network streams of exactly this request).
_CURRENT: ContextVar[_Scope | None] = ContextVar("rotonde_fetch_scope", default=None)


@contextmanager
def scope(deadline: Deadline, answers: Mapping[str, Sequence[str]] | None = None) -> Iterator[None]:
    """Run the block's network I/O under ``deadline``; ``answers``: checked addresses by host."""
    token = _CURRENT.set(_Scope(deadline, dict(answers or {})))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def pinned(host: str) -> Sequence[str] | None:
    """The checked addresses the current request resolved for ``host``, if any."""
    current = _CURRENT.get()
    return None if current is None else current.answers.get(host)


def clamp(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to the current request's remaining time; raise ``error`` (an
    httpcore timeout, which httpx reports as a timeout) once the deadline has passed."""
    current = _CURRENT.get()
    if current is None:
        return timeout
    left = current.deadline.remaining()
    if left <= 0:
        raise error("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation ends by the current request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        sock = self._inner.get_extra_info("socket")
        if not isinstance(sock, socket.socket):
            self._inner.write(buffer, clamp(timeout, httpcore.WriteTimeout))
            return
        # httpcore's own loop reuses one timeout for every partial send; a peer that reads
        # slowly could then stretch a write far beyond the deadline. Re-clamp before each send.
        view = memoryview(buffer)
        try:
            while view:
                sock.settimeout(clamp(timeout, httpcore.WriteTimeout))
                view = view[sock.send(view):]
        except TimeoutError:
            raise httpcore.WriteTimeout("writing the request timed out") from None
        except OSError as exc:
            raise httpcore.WriteError(str(exc)) from None

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return DeadlineStream(
            self._inner.start_tls(
                ssl_context, server_hostname, clamp(timeout, httpcore.ConnectTimeout)
            )
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


#: Name lookups that may run at once (each on its own daemon thread). A lookup that outlives
#: its request's deadline keeps its thread until the system resolver gives up; the cap bounds
#: how many such threads a slow DNS server can make the process keep.
MAX_LOOKUPS = 64
_LOOKUPS = threading.BoundedSemaphore(MAX_LOOKUPS)


def resolve_within(
    resolve: Callable[[str, int], list[str]], host: str, port: int, deadline: Deadline
) -> list[str]:
    """``resolve(host, port)``, waiting at most until ``deadline`` (``fetch.timeout``).

    Each lookup gets its own thread, so one slow name never queues the lookups of others."""
    if deadline.remaining() <= 0 or not _LOOKUPS.acquire(blocking=False):
        raise FetchError(
            "fetch.timeout",
            f"looking up {host!r} took too long",
            message_nl=f"opzoeken van {host!r} duurde te lang",
        )
    outcome: list[Any] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append(resolve(host, port))
        except BaseException as exc:  # handed to the waiting request
            outcome.append(exc)
        finally:
            _LOOKUPS.release()
            done.set()

    threading.Thread(target=run, name="rotonde-dns", daemon=True).start()
    if not done.wait(max(deadline.remaining(), 0)):
        raise FetchError(
            "fetch.timeout",
            f"looking up {host!r} took too long",
            message_nl=f"opzoeken van {host!r} duurde te lang",
        )
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return list(outcome[0])
