"""Real HTTP servers for tests: an ASGI app under uvicorn on a free loopback port, in a thread.

Every test that needs services to talk real HTTP to each other uses these helpers, so startup,
readiness and shutdown behave the same everywhere.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

__all__ = ["free_port", "serve", "spawned", "start", "stop", "terminate", "wait_until_serving"]


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


# --- services as operating-system processes --------------------------------------------------


def wait_until_serving(
    proc: subprocess.Popen[bytes], url: str, *, name: str, timeout: float = 60.0,
    output: Callable[[], str] = lambda: "",
) -> None:
    """Return once ``GET url/healthz`` answers 200; raise with the process output when it exits
    or does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited at start ({proc.returncode}): {output()}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start within {timeout:g} s: {output()}")
        time.sleep(0.1)


def terminate(proc: subprocess.Popen[bytes], *, timeout: float = 20.0) -> None:
    """SIGTERM, then SIGKILL (of its process group when it has its own session)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proc.kill()
            proc.wait(timeout=5)


@contextmanager
def spawned(
    cmd: Sequence[str], url: str, *, env: Mapping[str, str], cwd: Path, name: str,
    timeout: float = 60.0,
) -> Iterator[str]:
    """Run ``cmd`` (a server listening at ``url``) in its own session until the block ends."""
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=dict(env), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)

    def output() -> str:
        if proc.poll() is None or proc.stderr is None:
            return ""
        return proc.stderr.read().decode(errors="replace")[-3000:]

    try:
        wait_until_serving(proc, url, name=name, timeout=timeout, output=output)
        yield url
    finally:
        terminate(proc)
        if proc.stderr:
            proc.stderr.close()
