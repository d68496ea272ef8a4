"""Shared fixtures: the conformance folder, the one settable clock, the rule that CI never skips
required tests, and the ``system`` marker with its guard (:mod:`tests._system`)."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests import _system

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = ROOT.parent / "shared" / "conformance"
IN_CI = bool(os.environ.get("CI"))

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "nightly", max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile("dev", max_examples=60, deadline=None)
#: The fast lane's profile (``-m "not system"`` or ROTONDE_FAST=1): enough to run every property
#: once over a few shapes; the full run keeps the counts above.
settings.register_profile(
    "fast", max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if IN_CI else "dev"))


def fast_lane() -> bool:
    """True in the fast lane: ``-m "not system"`` was given, or ROTONDE_FAST=1."""
    return os.environ.get("ROTONDE_FAST") == "1"


def examples(n: int, *, fast: int = 5) -> int:
    """``n`` Hypothesis examples for a test that sets its own count; ``fast`` (at most ``n``) in
    the fast lane."""
    return min(n, fast) if fast_lane() else n


def pytest_configure(config: pytest.Config) -> None:
    if re.search(r"\bnot\s+system\b", str(config.option.markexpr)):
        os.environ["ROTONDE_FAST"] = "1"
    if fast_lane() and "HYPOTHESIS_PROFILE" not in os.environ:
        settings.load_profile("fast")


def require(condition: bool, message: str) -> None:
    """Skip with ``message`` outside CI; fail with it in CI (the dependency is required there)."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def conformance() -> Path:
    """``../shared/conformance`` (read in place, never copied into the repository)."""
    require(
        CONFORMANCE.is_dir(),
        f"conformance data not found at {CONFORMANCE}: check out shared/ beside the repository",
    )
    return CONFORMANCE


class SettableClock:
    """A clock the test sets and moves: :class:`rotonde.clock.Clock` (``now()``), starting at
    the wall-clock time unless given one, plus ``advance(seconds)`` and ``set(timestamp)``."""

    def __init__(self, timestamp: float | None = None) -> None:
        self._now = time.time() if timestamp is None else float(timestamp)

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds

    def set(self, timestamp: float) -> None:
        self._now = float(timestamp)


@pytest.fixture
def clock() -> SettableClock:
    """The one settable clock of the suite (a fresh one per test, at the wall-clock time)."""
    return SettableClock()


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _system.add_system_markers(items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    return (yield from _system.guarded(item, "set-up"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    return (yield from _system.guarded(item, "call"))
