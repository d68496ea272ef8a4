"""The outbound caps of rotonde.http are in force inside a running service: a verifier process
(development mode, so loopback peers are reachable) fetching share URLs from a hostile peer
keeps to the per-host concurrency cap, aborts an oversized body and gives up on a peer that
never answers — each time with a verdict naming the reason, and the service stays up."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from rotonde.encoding import b64url_encode
from tests.resilience._listener import Listener
from tests.resilience._procs import Proc, start_service


class _Peer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active = self.peak = self.requests = 0


def _handler(peer: _Peer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            with peer.lock:
                peer.requests += 1
                peer.active += 1
                peer.peak = max(peer.peak, peer.active)
            try:
                if self.path.startswith("/big/"):
                    body = b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.end_headers()  # no content-length: the cap applies while streaming
                    self.wfile.write(body)
                else:
                    time.sleep(0.8)
                    self.send_response(404)
                    self.send_header("content-length", "0")
                    self.end_headers()
            except OSError:
                pass
            finally:
                with peer.lock:
                    peer.active -= 1

    return Handler


@pytest.fixture
def peer() -> Iterator[tuple[str, _Peer]]:
    state = _Peer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", state
    server.shutdown()
    server.server_close()


@pytest.fixture
def verifier(tmp_path: Path) -> Iterator[Proc]:
    proc = start_service("verifier", {"dev": "1", "data_dir": str(tmp_path / "v"),
                                      "kek": b64url_encode(secrets.token_bytes(32))},
                         log_dir=tmp_path)
    yield proc
    proc.stop()


def _scan(proc: Proc, url: str) -> dict[str, Any]:
    r = httpx.post(proc.url + "/api/shares", json={"text": url}, timeout=90)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _reason(out: dict[str, Any]) -> str:
    assert out["verdict"] == "rejected", out
    return str(out["result"]["reasons"][0]["code"])


def test_caps_hold_inside_the_verifier(verifier: Proc, peer: tuple[str, _Peer]) -> None:
    base, state = peer
    # Size cap (64 KiB for a share envelope), enforced while streaming.
    assert _reason(_scan(verifier, f"{base}/big/{secrets.token_urlsafe(18)}")) == \
        "fetch.too_large"
    # Per-host concurrency cap: 10 scans at once, never more than 4 in flight to the peer.
    state.peak = 0
    results: list[str] = []
    lock = threading.Lock()

    def scan_slow() -> None:
        code = _reason(_scan(verifier, f"{base}/slow/{secrets.token_urlsafe(18)}"))
        with lock:
            results.append(code)

    threads = [threading.Thread(target=scan_slow) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == 10
    assert set(results) <= {"fetch.http_status", "fetch.timeout"}, results
    assert 1 <= state.peak <= 4, state.peak
    # Time cap: a peer that accepts the connection and never answers.
    with Listener() as silent:
        out = _scan(verifier, f"http://127.0.0.1:{silent.port}/s/{secrets.token_urlsafe(18)}")
        assert silent.connections == 1
    assert _reason(out) == "fetch.timeout"
    # Still serving.
    assert httpx.get(verifier.url + "/healthz", timeout=30).json() == {"status": "ok"}
    print(f"\nfetch caps: peak concurrency to one host={state.peak} (cap 4), "
          f"slow scans={len(results)}")
