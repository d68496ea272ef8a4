"""Fuzz session figures: a summary table in the terminal, and JSON in ``ROTONDE_FUZZ_REPORT``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.fuzz._harness import MAX_SECONDS, NIGHTLY, STATS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not STATS:
        return
    tr = terminalreporter
    tr.section("fuzz figures" + (" (nightly)" if NIGHTLY else ""))
    tr.write_line(f"{'parser':44} {'cases':>7} {'ok':>6} {'refused':>7} {'crash':>5} "
                  f"{'max s':>7} {'max MiB':>8}")
    for name, s in sorted(STATS.items()):
        tr.write_line(f"{name:44} {s.cases:7d} {s.accepted:6d} {s.rejected:7d} {s.crashes:5d} "
                      f"{s.max_seconds:7.3f} {s.max_peak_bytes / 2**20:8.2f}")
    tr.write_line(f"(per-case bound: {MAX_SECONDS} s, 64 MiB)")


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    target = os.environ.get("ROTONDE_FUZZ_REPORT")
    if not target or not STATS:
        return
    path = Path(target)
    data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    data.update({name: s.to_dict() for name, s in STATS.items()})
    path.write_text(json.dumps(data, indent=1, sort_keys=True))
