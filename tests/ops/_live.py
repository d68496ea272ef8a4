"""Run the ``rotonde`` command and its services as an operator would: real subprocesses with
``ROTONDE_<SERVICE>_*`` environment variables, a real uvicorn on a free loopback port."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

__all__ = ["ROOT", "free_port", "rotonde", "serving"]

from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
ROTONDE = [sys.executable, "-m", "rotonde.cli"]



def _env(env: dict[str, str]) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ROTONDE_")
            and k not in ("FORWARDED_ALLOW_IPS", "WEB_CONCURRENCY")}
    return {**base, **env, "PYTHONPATH": str(ROOT)}


def rotonde(*args: str, env: dict[str, str]) -> Any:
    """Run ``rotonde ARGS`` to completion; the JSON it prints (exit status 0 required)."""
    done = subprocess.run([*ROTONDE, *args], cwd=ROOT, env=_env(env), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout) if done.stdout.strip() else None


@contextmanager
def serving(service: str, port: int, env: dict[str, str]) -> Iterator[str]:
    """``rotonde <service> serve --port PORT``; yields the base URL once /healthz answers,
    stops the server (SIGTERM, then SIGKILL of its own process group) afterwards."""
    proc = subprocess.Popen([*ROTONDE, service, "serve", "--port", str(port)], cwd=ROOT,
                            env=_env(env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise AssertionError(f"{service} exited at start ({proc.returncode}): "
                                     f"{err[-3000:]}")
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"{service} did not start within 60 s"
            time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        if proc.stderr:
            proc.stderr.close()
