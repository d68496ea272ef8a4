"""``rotonde <service> serve --workers N``: N processes on one port, as docs/deployment.md §7
describes. Each service starts two workers that both hold the listening socket; a killed
worker is replaced while the others keep answering; keep-alive clients are served; and a
whole issuance (OpenID4VCI, single-use codes and nonces) works with requests spread over the
workers.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.ops._issuer import issue_one, setup_issuer, verify_live
from tests.ops._live import free_port, rotonde_fails, serving

pytestmark = pytest.mark.system  # worker processes


def _socket_holders(port: int) -> set[int]:
    """Processes holding the TCP socket that listens on ``port`` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{inode}]")
    holders = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    holders.add(int(pid))
                    break
            except OSError:
                continue
    return holders


def _holders_when(port: int, ok: Callable[[set[int]], bool], what: str) -> set[int]:
    """Poll the socket holders until ``ok`` accepts them (workers start asynchronously)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        holders = _socket_holders(port)
        if ok(holders):
            return holders
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; holders: {_socket_holders(port)}")


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("service", ["issuer", "wallet", "verifier"])
def test_two_workers_share_the_port_and_a_dead_one_is_replaced(tmp_path: Path,
                                                               service: str) -> None:
    port = free_port()
    prefix = f"ROTONDE_{service.upper()}_"
    env = {prefix + "DEV": "1", prefix + "DATA_DIR": str(tmp_path),
           prefix + "PUBLIC_URL": f"http://127.0.0.1:{port}"}
    with serving(service, port, env, "--workers", "2") as url:
        # the supervisor and two workers hold the listening socket
        holders = _holders_when(port, lambda h: len(h) == 3, "a supervisor and two workers")
        with httpx.Client(base_url=url, timeout=10) as http:  # one keep-alive connection
            assert all(http.get("/healthz").status_code == 200 for _ in range(20))
        parent = min(holders, key=lambda pid: _start_time(pid))
        victim = next(pid for pid in holders if pid != parent)
        os.kill(victim, signal.SIGKILL)
        replaced = _holders_when(port, lambda h: len(h) == 3 and victim not in h,
                                 "a replacement worker")
        assert parent in replaced
        with httpx.Client(base_url=url, timeout=10) as http:
            assert all(http.get("/healthz").status_code == 200 for _ in range(10))


def _start_time(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])


def test_issuance_across_workers(tmp_path: Path) -> None:
    s = setup_issuer(tmp_path, {})
    with serving("issuer", s.port, s.env, "--workers", "2") as url:
        for _ in range(3):
            _, credential = issue_one(url, s)
            assert verify_live(url, s, credential).verified


def test_a_bad_worker_count_is_a_clear_error(tmp_path: Path) -> None:
    env = {"ROTONDE_WALLET_DEV": "1", "ROTONDE_WALLET_DATA_DIR": str(tmp_path)}
    done = rotonde_fails("wallet", "serve", "--port", str(free_port()), "--workers", "0",
                         env=env)
    assert "config.invalid_workers" in done.stderr
