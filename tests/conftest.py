"""Shared fixtures: the conformance folder, and the rule that CI never skips required tests."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

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
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if IN_CI else "dev"))


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


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
