"""Run the ``rotonde`` command and its services as an operator would: real subprocesses with
``ROTONDE_<SERVICE>_*`` environment variables, a real uvicorn on a free loopback port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["ROOT", "free_port", "rotonde", "rotonde_fails", "serving"]

from tests.servers import free_port, spawned

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


def rotonde_fails(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``rotonde ARGS`` expecting failure; the finished process (exit status not 0)."""
    done = subprocess.run([*ROTONDE, *args], cwd=ROOT, env=_env(env), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode != 0, done.stdout[-3000:]
    return done


def serving(service: str, port: int, env: dict[str, str], *args: str) -> Any:
    """``rotonde <service> serve --port PORT [ARGS]``; yields the base URL once /healthz
    answers, stops the server (SIGTERM, then SIGKILL of its own process group) afterwards."""
    return spawned([*ROTONDE, service, "serve", "--port", str(port), *args],
                   f"http://127.0.0.1:{port}", env=_env(env), cwd=ROOT, name=service,
                   timeout=120.0)
