"""A TCP listener on loopback that records every connection and never answers (so a peer that
connects hangs until it gives up or is killed). Used to detect outbound connections (SSRF)
and to freeze a service mid-request (crash tests)."""

from __future__ import annotations

import socket
import threading
from types import TracebackType

__all__ = ["Listener"]


class Listener:
    def __init__(self, host: str = "127.0.0.1", family: socket.AddressFamily = socket.AF_INET
                 ) -> None:
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self.connected = threading.Event()
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            self._held.append(conn)
            self.connected.set()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self._held:
            conn.close()
        self.sock.close()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
