"""Services as real operating-system processes for the resilience tests.

:func:`start_service` runs ``python -m uvicorn --factory <svc>.app:app_from_env`` on a free
loopback port with settings in ``ROTONDE_<SVC>_*`` environment variables, waits until it answers
and returns a :class:`Proc`; :meth:`Proc.kill` sends SIGKILL (a crash: no shutdown hooks run).
Several processes given the same database URL/schema and KEK behave as workers of one
deployment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.servers import free_port, wait_until_serving

__all__ = ["ROOT", "Proc", "free_port", "start_service"]

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Proc:
    service: str
    url: str
    port: int
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes]
    kills: list[int] = field(default_factory=list)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the process (and wait for it): a crash, nothing gets to clean up."""
        if self.alive():
            self.popen.send_signal(signal.SIGKILL)
            self.kills.append(self.popen.pid)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=15)

    def client(self, **kw: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kw)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def start_service(
    service: str, settings: dict[str, str], *, log_dir: Path, port: int | None = None,
    workers: int = 1, timeout: float = 45.0, log_level: str = "warning",
) -> Proc:
    """Start ``service`` (issuer, wallet, verifier) as a uvicorn process; ``settings`` are field
    names (``database_url``, ``kek``...) without the ``ROTONDE_<SVC>_`` prefix."""
    port = port or free_port()
    prefix = f"ROTONDE_{service.upper()}_"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROTONDE_")}
    env["PYTHONPATH"] = str(ROOT)
    env[prefix + "PORT"] = str(port)
    env.setdefault(prefix + "PUBLIC_URL", f"http://127.0.0.1:{port}")
    for key, value in settings.items():
        env[prefix + key.upper()] = value
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{service}-{port}-{time.monotonic_ns()}.log"
    cmd = [sys.executable, "-m", "uvicorn", "--factory", f"{service}.app:app_from_env",
           "--host", "127.0.0.1", "--port", str(port), "--log-level", log_level,
           "--workers", str(workers)]
    with log.open("wb") as fh:
        popen = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    proc = Proc(service, f"http://127.0.0.1:{port}", port, env, log, popen)
    try:
        wait_until_serving(popen, proc.url, name=service, timeout=timeout, output=proc.output)
    except RuntimeError:
        proc.kill()
        raise
    return proc
