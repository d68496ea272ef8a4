"""The fuzz harness: run one parser on one input, classify the outcome, measure it.

Every case runs under :mod:`tracemalloc` and a wall clock. The property checked for every
parser is the same:

* it returns, or raises an error of the project's :class:`~rotonde.errors.RotondeError`
  family (or the parser's documented error type) -- never ``TypeError``, ``KeyError``,
  ``RecursionError``, ... ;
* one case takes less than :data:`MAX_SECONDS` (a runaway detector, not a benchmark: the
  bound is deliberately generous because the machine is shared);
* one case allocates less than :data:`MAX_PEAK_BYTES` at its peak (Python allocations).

``ROTONDE_FUZZ=nightly`` runs :data:`NIGHTLY_EXAMPLES` cases per parser; otherwise each test
runs its small CI count. With ``ROTONDE_FUZZ_REPORT=<file>`` the figures of the session are
written there as JSON (see ``tests/fuzz/conftest.py``).
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings

from rotonde.errors import RotondeError
from tests.conftest import examples

__all__ = [
    "MAX_PEAK_BYTES",
    "MAX_SECONDS",
    "NIGHTLY",
    "NIGHTLY_EXAMPLES",
    "STATS",
    "ParserStats",
    "exercise",
    "fuzz_settings",
]

NIGHTLY = os.environ.get("ROTONDE_FUZZ", "").lower() == "nightly"
NIGHTLY_EXAMPLES = int(os.environ.get("ROTONDE_FUZZ_EXAMPLES", "10000"))
MAX_SECONDS = float(os.environ.get("ROTONDE_FUZZ_MAX_SECONDS", "10.0"))
MAX_PEAK_BYTES = 64 * 1024 * 1024


def fuzz_settings(ci_examples: int) -> settings:
    """``ci_examples`` cases normally, :data:`NIGHTLY_EXAMPLES` with ``ROTONDE_FUZZ=nightly``, a
    handful in the fast lane (:func:`tests.conftest.examples`)."""
    return settings(
        max_examples=NIGHTLY_EXAMPLES if NIGHTLY else examples(ci_examples),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None if NIGHTLY else settings().database,
    )


@dataclass
class ParserStats:
    """What one parser did over a session."""

    cases: int = 0
    accepted: int = 0
    rejected: int = 0
    crashes: int = 0
    max_seconds: float = 0.0
    max_peak_bytes: int = 0
    codes: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases, "accepted": self.accepted, "rejected": self.rejected,
            "crashes": self.crashes, "max_seconds": round(self.max_seconds, 4),
            "max_peak_mib": round(self.max_peak_bytes / 2**20, 2),
            "distinct_error_codes": len(self.codes),
            "top_codes": dict(self.codes.most_common(8)),
        }


STATS: dict[str, ParserStats] = {}


def exercise(
    name: str,
    fn: Callable[[Any], Any],
    data: Any,
    *,
    allowed: tuple[type[BaseException], ...] = (RotondeError,),
) -> Any:
    """Run ``fn(data)``; fail on an undocumented exception, a runaway time or memory peak.

    Returns what ``fn`` returned, or the (allowed) exception it raised.
    """
    stats = STATS.setdefault(name, ParserStats())
    stats.cases += 1
    started_tracing = not tracemalloc.is_tracing()
    if started_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()
    outcome: Any
    try:
        outcome = fn(data)
        stats.accepted += 1
    except allowed as exc:
        outcome = exc
        stats.rejected += 1
        stats.codes[str(getattr(exc, "code", None) or getattr(exc, "error", None)
                        or type(exc).__name__)] += 1
    except Exception as exc:
        stats.crashes += 1
        raise AssertionError(
            f"{name} crashed with {type(exc).__name__}: {exc} on input {data!r:.400}"
        ) from exc
    finally:
        elapsed = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] - base
        if started_tracing:
            tracemalloc.stop()
        stats.max_seconds = max(stats.max_seconds, elapsed)
        stats.max_peak_bytes = max(stats.max_peak_bytes, peak)
    assert elapsed < MAX_SECONDS, f"{name}: one case took {elapsed:.2f} s on {data!r:.300}"
    assert peak < MAX_PEAK_BYTES, f"{name}: one case peaked at {peak / 2**20:.1f} MiB"
    return outcome
