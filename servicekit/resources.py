"""What a service app owns, and the lifespan that closes it.

``create_app`` opens its resources eagerly (so an app works, and tests can reach its context,
whether or not its lifespan runs) and registers each with a :class:`Resources`; the app's
lifespan (:meth:`Resources.lifespan`, installed by :func:`servicekit.app.service_app`) runs
the start-up tasks, and at shutdown stops background workers and closes what the app opened
(the database engine disposed, the Fetcher's connections closed), last opened first.

What a caller hands to ``create_app`` (a Fetcher, an issuer context) is the caller's to close:
register only what the app made itself.

Blocking work (database, joining threads) runs in the thread pool, never on the event loop.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.concurrency import run_in_threadpool

__all__ = ["Resources"]

log = logging.getLogger("servicekit")


class Resources:
    """Start-up tasks and closers of one app (see the module docstring)."""

    def __init__(self) -> None:
        self._startup: list[tuple[str, Callable[[], object], bool]] = []
        self._closers: list[tuple[str, Callable[[], object]]] = []
        self.closed = False

    def own(self, name: str, close: Callable[[], object]) -> None:
        """Call ``close()`` at shutdown (after every closer registered later)."""
        self._closers.append((name, close))

    def on_startup(self, name: str, task: Callable[[], object], *, required: bool = True) -> None:
        """Run ``task()`` when the app starts; a failing task that is not ``required`` (e.g.
        housekeeping) is logged and start-up goes on."""
        self._startup.append((name, task, required))

    def worker(self, name: str, start: Callable[[], object], stop: Callable[[], object]) -> None:
        """A background worker: started with the app, stopped (before anything registered
        earlier is closed) when it shuts down."""
        self.on_startup(name, start)
        self.own(name, stop)

    def start(self) -> None:
        for name, task, required in self._startup:
            try:
                task()
            except Exception:
                if required:
                    raise
                log.exception("start-up task %s failed", name)

    def close(self) -> None:
        """Close everything, last registered first; each closer runs even if one fails."""
        if self.closed:
            return
        self.closed = True
        for name, close in reversed(self._closers):
            try:
                close()
            except Exception:
                log.exception("closing %s failed", name)

    @asynccontextmanager
    async def lifespan(self, _app: Any) -> AsyncIterator[None]:
        """The ASGI lifespan: :meth:`start` before serving, :meth:`close` after."""
        try:
            await run_in_threadpool(self.start)
            yield
        finally:
            await run_in_threadpool(self.close)
