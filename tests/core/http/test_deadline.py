"""One wall-clock deadline per outbound request, against real peers on loopback that drip bytes.

The dripping peer is a raw socket server: it reads the request and then sends its answer one
byte at a time with a pause between bytes, so every single read succeeds and per-read timeouts
never fire. The Fetcher must give up at its deadline (± a small margin) for GET and POST, while
the peer is dripping the status line, the headers, the body or the TLS handshake, and when name
resolution hangs. Per-peer limits key on the resolved address: many spellings of 127.0.0.1 are
one peer, and a request to another peer is not starved meanwhile.
"""

from __future__ import annotations

import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rotonde.errors import FetchError
from rotonde.http import Fetcher, URLPolicy
from tests.core.http.test_tls import _certs

pytestmark = pytest.mark.system  # dripping peers: real sockets on loopback

DEV = URLPolicy(allow_http=True, allow_private=True)
DEADLINE = 2.0
#: How late a request may end after its deadline (thread scheduling on a busy 2-core machine).
MARGIN = 0.75
_HEADERS = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 64\r\n\r\n"


class Dripper:
    """A raw TCP server that answers every request one byte every ``pause`` seconds.

    ``what``: ``"headers"`` drips the whole answer from the status line on; ``"body"`` sends
    the headers at once and drips the body. Records when each connection was opened, and the
    connections in flight (and their peak)."""

    def __init__(self, what: str = "headers", pause: float = 0.5, host: str = "127.0.0.1",
                 give_up: float = 30.0) -> None:
        self.what, self.pause, self.give_up = what, pause, give_up
        self.sock = socket.create_server((host, 0))
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.lock = threading.Lock()
        self.active = self.peak = 0
        self.opened: list[float] = []
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    @staticmethod
    def _read_request(conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return
            body += chunk

    def _pause(self, conn: socket.socket) -> bool:
        """Wait ``pause`` seconds; ``False`` as soon as the client hangs up."""
        end = time.monotonic() + self.pause
        while (left := end - time.monotonic()) > 0:
            if select.select([conn], [], [], left)[0] and not conn.recv(4096):
                return False
        return True

    def _serve(self, conn: socket.socket) -> None:
        with self.lock:
            self.opened.append(time.monotonic())
            self.active += 1
        try:
            conn.settimeout(5)
            self._read_request(conn)
            answer = _HEADERS + b" " * 64
            if self.what == "body":
                conn.sendall(_HEADERS)
                answer = b" " * 64
            started = time.monotonic()
            for byte in answer:
                if self._stop.is_set() or time.monotonic() - started > self.give_up:
                    break
                conn.sendall(bytes([byte]))
                if not self._pause(conn):  # notice at once when the client hangs up
                    break
        except OSError:
            pass  # the client hung up: what we want
        finally:
            conn.close()
            with self.lock:
                self.active -= 1

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


@pytest.fixture
def dripper() -> Iterator[Callable[..., Dripper]]:
    made: list[Dripper] = []

    def make(*args: object, **kwargs: object) -> Dripper:
        made.append(Dripper(*args, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for d in made:
        d.close()


def _timed(call: Callable[[], object]) -> tuple[float, FetchError]:
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        call()
    return time.monotonic() - started, err.value


@pytest.mark.parametrize("what", ["headers", "body"])
def test_dripping_peer_is_cut_off_at_the_deadline_for_get_and_post(
    dripper: Callable[..., Dripper], what: str,
) -> None:
    peer = dripper(what)
    url = f"http://127.0.0.1:{peer.port}/x"
    fetcher = Fetcher(policy=DEV, timeout=DEADLINE)
    for call in (lambda: fetcher.get_bytes(url),
                 lambda: fetcher.post(url, form={"vp_token": "x" * 100})):
        took, err = _timed(call)
        assert err.code == "fetch.timeout", err
        assert DEADLINE - 0.05 <= took <= DEADLINE + MARGIN, (what, took)


def test_deadline_covers_redirect_hops_together() -> None:
    """Five hops that each answer just inside a per-operation timeout still share one deadline."""

    class Slow(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            time.sleep(0.6)
            try:
                self.send_response(302)
                self.send_header("Location", "/again")
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        fetcher = Fetcher(policy=DEV, timeout=DEADLINE)
        took, err = _timed(lambda: fetcher.get_bytes(f"http://127.0.0.1:{srv.server_address[1]}/"))
        assert err.code == "fetch.timeout"
        assert took <= DEADLINE + MARGIN, took
    finally:
        srv.shutdown()
        srv.server_close()


def test_hanging_name_resolution_is_under_the_deadline() -> None:
    def hang(host: str, port: int) -> list[str]:
        time.sleep(DEADLINE + 3)
        return ["127.0.0.1"]

    fetcher = Fetcher(policy=DEV, timeout=DEADLINE, resolve=hang)
    took, err = _timed(lambda: fetcher.get_bytes("http://slow-dns.test/x"))
    assert err.code == "fetch.timeout"
    assert DEADLINE - 0.05 <= took <= DEADLINE + MARGIN, took


def test_slow_lookups_do_not_queue_other_lookups() -> None:
    """A DNS server that never answers for some names does not delay the lookup of others."""

    class Quick(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    srv = ThreadingHTTPServer(("127.0.0.2", 0), Quick)
    threading.Thread(target=srv.serve_forever, daemon=True).start()

    def resolve(host: str, port: int) -> list[str]:
        if host.startswith("slow"):
            time.sleep(DEADLINE + 2)
        return ["127.0.0.2"]

    fetcher = Fetcher(policy=DEV, timeout=DEADLINE, resolve=resolve)
    codes: list[str] = []

    def hostile(i: int) -> None:
        try:
            fetcher.get_bytes(f"http://slow{i}.test/x")
        except FetchError as exc:
            codes.append(exc.code)

    slow = [threading.Thread(target=hostile, args=(i,)) for i in range(16)]
    try:
        for t in slow:
            t.start()
        time.sleep(0.2)
        started = time.monotonic()
        assert fetcher.get_json(f"http://quick.test:{srv.server_address[1]}/ok") == {}
        assert time.monotonic() - started < 1.0
        for t in slow:
            t.join(timeout=DEADLINE + MARGIN + 1)
        assert codes == ["fetch.timeout"] * 16
    finally:
        srv.shutdown()
        srv.server_close()


class _Relay:
    """TCP relay to ``target`` that passes the client's bytes at once and the server's bytes one
    at a time (a peer dripping its TLS handshake)."""

    def __init__(self, target: int, pause: float = 0.05) -> None:
        self.target, self.pause = target, pause
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pump, args=(conn, upstream, 0.0), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, conn, self.pause),
                             daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, pause: float) -> None:
        try:
            while not self._stop.is_set():
                data = src.recv(4096)
                if not data:
                    break
                if not pause:
                    dst.sendall(data)
                    continue
                for byte in data:
                    dst.sendall(bytes([byte]))
                    time.sleep(pause)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


def test_dripping_tls_handshake_is_cut_off(tmp_path: Path) -> None:
    ca, cert, key = _certs(tmp_path)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    srv.socket = server_ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    relay = _Relay(srv.server_address[1])
    try:
        fetcher = Fetcher(policy=URLPolicy(allow_private=True), timeout=DEADLINE,
                          resolve=lambda h, p: ["127.0.0.1"],
                          ssl_context=ssl.create_default_context(cafile=str(ca)))
        took, err = _timed(lambda: fetcher.get_bytes(f"https://issuer.test:{relay.port}/x"))
        assert err.code == "fetch.timeout", err
        assert DEADLINE - 0.05 <= took <= DEADLINE + MARGIN, took
    finally:
        relay.close()
        srv.shutdown()
        srv.server_close()


#: Ways to write 127.0.0.1 that the system resolver accepts (inet_aton) or httpx keeps as is.
SPELLINGS = ["127.0.0.1", "127.1", "0x7f000001", "2130706433", "127.0.1", "localhost",
             "[::ffff:127.0.0.1]"]


def test_spellings_of_one_address_share_its_limit_and_others_are_not_starved(
    dripper: Callable[..., Dripper],
) -> None:
    slow = dripper("headers", pause=0.5, host="127.0.0.1")

    class Quick(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    other = ThreadingHTTPServer(("127.0.0.2", 0), Quick)  # another peer (127/8 is loopback)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    fetcher = Fetcher(policy=DEV, timeout=DEADLINE + 1, per_host_limit=4)
    errors: list[str] = []

    def hostile(host: str) -> None:
        try:
            fetcher.get_bytes(f"http://{host}:{slow.port}/drip")
        except FetchError as exc:
            errors.append(exc.code)

    threads = [threading.Thread(target=hostile, args=(SPELLINGS[i % len(SPELLINGS)],))
               for i in range(24)]
    started = time.monotonic()
    try:
        for t in threads:
            t.start()
        time.sleep(0.5)  # the hostile requests now hold every slot they can get
        quick = time.monotonic()
        assert fetcher.get_json(f"http://127.0.0.2:{other.server_address[1]}/ok") == {}
        assert time.monotonic() - quick < 1.0
        for t in threads:
            t.join(timeout=30)
        elapsed = time.monotonic() - started
    finally:
        other.shutdown()
        other.server_close()
    assert errors == ["fetch.timeout"] * 24
    # One peer, however it is spelled: while the first four requests hold its four slots (until
    # their deadline) no fifth connection is made. (Requests still waiting get a slot as those
    # time out, with nothing left of their own deadline, and give up at once.)
    opened_early = [t for t in slow.opened if t - started < DEADLINE + 1 - 0.5]
    assert len(opened_early) == 4, [round(t - started, 2) for t in slow.opened]
    assert elapsed <= DEADLINE + 1 + MARGIN, elapsed  # nobody queued past their own deadline
