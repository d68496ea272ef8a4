"""Several ASGI apps in one process for ``rotonde up``: one ``uvicorn.Server`` per app, each in
its own thread, on sockets bound up front (so a busy port is one clear error before anything
else starts). Signals stay with the main thread: uvicorn only installs its handlers there.
"""

from __future__ import annotations

import errno
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from rotonde.errors import ConfigurationError

__all__ = ["ServerGroup", "bind_socket"]


def bind_socket(host: str, port: int, *, name: str, flag: str) -> socket.socket:
    """A socket bound to ``host:port``; ConfigurationError (``up.port_in_use``, ...) if not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigurationError(
                "up.port_in_use",
                f"port {port} for the {name} is already in use on {host}; stop the program "
                f"using it or choose another port with {flag}",
                message_nl=f"poort {port} voor de {name} is al in gebruik op {host}; stop het "
                f"programma dat hem gebruikt of kies een andere poort met {flag}",
            ) from None
        raise ConfigurationError(
            "up.bind_failed", f"cannot listen on {host}:{port} for the {name}: {exc.strerror}",
            message_nl=f"kan niet luisteren op {host}:{port} voor de {name}: {exc.strerror}",
        ) from None
    sock.set_inheritable(False)
    return sock


@dataclass
class _Running:
    name: str
    server: Any
    thread: threading.Thread


@dataclass
class ServerGroup:
    """Start apps on pre-bound sockets, wait until they serve, and stop them together."""

    log_level: str = "warning"
    running: list[_Running] = field(default_factory=list)

    def start(self, name: str, app: Any, sock: socket.socket) -> None:
        import uvicorn

        host, port = sock.getsockname()[:2]
        config = uvicorn.Config(app, host=host, port=port, log_level=self.log_level,
                                access_log=False, lifespan="on", server_header=False,
                                timeout_graceful_shutdown=5)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                                  name=f"rotonde-up-{name}", daemon=True)
        thread.start()
        self.running.append(_Running(name, server, thread))

    def wait_started(self, timeout: float = 60.0) -> None:
        """Block until every server accepts connections; ConfigurationError if one fails."""
        deadline = time.monotonic() + timeout
        for r in self.running:
            while not r.server.started:
                if not r.thread.is_alive() or time.monotonic() > deadline:
                    raise ConfigurationError(
                        "up.start_failed", f"the {r.name} did not start (see the log above)",
                        message_nl=f"de {r.name} is niet gestart (zie de log hierboven)",
                    )
                time.sleep(0.02)

    def dead(self) -> list[str]:
        """Names of servers whose thread has ended."""
        return [r.name for r in self.running if not r.thread.is_alive()]

    def stop(self, timeout: float = 15.0) -> None:
        for r in self.running:
            r.server.should_exit = True
        deadline = time.monotonic() + timeout
        for r in self.running:
            r.thread.join(max(0.1, deadline - time.monotonic()))
