"""The ``system`` marker is honest (tests/_system.py): a test without it that starts a process,
binds a server socket or asks for PostgreSQL fails and says what it did; one marked, or using a
fixture marked with ``system_fixture``, runs; the fast lane leaves the marked ones out."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.system  # it runs pytest as a subprocess

SAMPLES = "tests/_system_samples.py"


def _run(*args: str) -> tuple[dict[str, str], str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ROTONDE_FAST", "CI")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", SAMPLES, *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    outcomes = {m.group(2): m.group(1) for m in re.finditer(
        r"^(PASSED|FAILED|ERROR|SKIPPED) \S*?::(\w+)", done.stdout, re.M)}
    return outcomes, done.stdout


def test_unmarked_tests_that_start_processes_or_servers_fail() -> None:
    outcomes, out = _run()
    assert outcomes.get("test_unmarked_popen") == "FAILED", out
    assert outcomes.get("test_unmarked_spawn") == "FAILED", out
    assert outcomes.get("test_unmarked_bind") == "FAILED", out
    assert outcomes.get("test_unmarked_fixture") == "ERROR", out  # in its set-up
    assert outcomes.get("test_through_a_system_fixture") == "PASSED", out
    assert outcomes.get("test_marked_popen") == "PASSED", out
    assert outcomes.get("test_plain") == "PASSED", out
    # PostgreSQL: refused before it is reached, whether the server is there or not
    assert outcomes.get("test_unmarked_postgres") == "FAILED", out
    assert "is not marked 'system' but its call started a process" in out
    assert "subprocess.Popen" in out and "socket.bind ('127.0.0.1', 0)" in out
    assert "child processes" in out and "tests.postgres" in out


def test_the_fast_lane_runs_only_the_unmarked_tests() -> None:
    outcomes, out = _run("-m", "not system")
    assert "test_marked_popen" not in outcomes and "test_through_a_system_fixture" not in outcomes
    assert outcomes.get("test_plain") == "PASSED", out
