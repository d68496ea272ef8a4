"""Real HTTP servers for tests: an ASGI app under uvicorn on a free loopback port, in a thread.

Every test that needs services to talk real HTTP to each other uses these helpers, so startup,
readiness and shutdown behave the same everywhere.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

__all__ = ["free_port", "serve", "start", "stop"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(app: Any, port: int, *, name: str = "server", **config: Any) -> uvicorn.Server:
    """Run ``app`` on ``127.0.0.1:port`` in a daemon thread; return once it accepts requests.

    ``config`` goes to :class:`uvicorn.Config` (defaults: ``log_level="warning"``,
    ``lifespan="on"``)."""
    options: dict[str, Any] = {"log_level": "warning", "lifespan": "on", **config}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **options))
    thread = threading.Thread(target=server.run, daemon=True, name=f"uvicorn-{name}")
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"{name} did not start on port {port}")
        time.sleep(0.02)
    server._rotonde_thread = thread  # type: ignore[attr-defined]
    return server


def stop(server: uvicorn.Server) -> None:
    """Ask ``server`` to exit and wait for its thread."""
    server.should_exit = True
    thread = getattr(server, "_rotonde_thread", None)
    if thread is not None:
        thread.join(timeout=10)


@contextmanager
def serve(app: Any, port: int, **config: Any) -> Iterator[str]:
    """Serve ``app`` for the duration of the block; yields its base URL."""
    server = start(app, port, **config)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)
