"""Timing helpers: per-call time of a callable and raw Ed25519 / P-256 baselines.

Times are the best of several rounds (the minimum is the least disturbed by other processes
on a shared machine); a benchmark and its baseline are measured in alternating rounds so that
both see the same machine state. Ratios, not absolute times, are what the benchmarks report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

__all__ = ["Result", "compare", "per_call", "raw_baselines"]

MESSAGE = b"x" * 512  # about the size of an SD-JWT signing input


@dataclass(frozen=True)
class Result:
    """One benchmark line: ``seconds`` per call, ``ratio`` to ``baseline_seconds``."""

    module: str
    name: str
    alg: str
    seconds: float
    baseline: str
    baseline_seconds: float
    target: float | None = None

    @property
    def ratio(self) -> float:
        return self.seconds / self.baseline_seconds

    @property
    def ok(self) -> bool | None:
        return None if self.target is None else self.ratio <= self.target

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ratio"] = round(self.ratio, 3)
        out["ok"] = self.ok
        return out


def _calibrate(fn: Callable[[], object], budget: float) -> int:
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= budget / 4 or n >= 1 << 20:
            return max(1, int(n * budget / max(elapsed, 1e-9)))
        n *= 4


def per_call(fn: Callable[[], object], *, budget: float = 0.15, rounds: int = 5) -> float:
    """Best-of-``rounds`` seconds per call of ``fn``."""
    return compare(fn, fn, budget=budget, rounds=rounds)[0]


def compare(
    fn: Callable[[], object], baseline: Callable[[], object], *, budget: float = 0.15,
    rounds: int = 5,
) -> tuple[float, float]:
    """Seconds per call of ``fn`` and of ``baseline``, measured in alternating rounds."""
    n_fn, n_base = _calibrate(fn, budget), _calibrate(baseline, budget)
    best_fn = best_base = float("inf")
    for _ in range(rounds):
        for which, f, n in ((0, fn, n_fn), (1, baseline, n_base)):
            start = time.perf_counter()
            for _ in range(n):
                f()
            per = (time.perf_counter() - start) / n
            if which == 0:
                best_fn = min(best_fn, per)
            else:
                best_base = min(best_base, per)
    return best_fn, best_base


def raw_baselines(alg: str) -> dict[str, Callable[[], object]]:
    """Raw ``sign`` and ``verify`` closures with pyca/cryptography, no JOSE around them."""
    if alg == "EdDSA":
        ed = ed25519.Ed25519PrivateKey.generate()
        ed_pub = ed.public_key()
        ed_sig = ed.sign(MESSAGE)
        return {
            "sign": lambda: ed.sign(MESSAGE),
            "verify": lambda: ed_pub.verify(ed_sig, MESSAGE),
        }
    if alg == "ES256":
        algorithm = ec.ECDSA(hashes.SHA256())
        ec_key = ec.generate_private_key(ec.SECP256R1())
        ec_pub = ec_key.public_key()
        ec_sig = ec_key.sign(MESSAGE, algorithm)
        return {
            "sign": lambda: ec_key.sign(MESSAGE, algorithm),
            "verify": lambda: ec_pub.verify(ec_sig, MESSAGE, algorithm),
        }
    raise ValueError(f"no baseline for {alg!r}")
