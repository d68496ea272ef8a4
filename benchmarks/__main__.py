"""``python -m benchmarks [NAME ...] [--quick]``: run ``benchmarks/*_bench.py``, print a table and
save the results as JSON in ``benchmarks/results/``.

Each module defines ``run(quick: bool = False) -> list[benchmarks._ratio.Result]``. ``NAME`` is
a module name without ``_bench`` (``sdjwt``); no name runs them all. Targets are reported
(``ok`` column), not enforced; the exit status is 1 only when a module raised.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from pathlib import Path

from benchmarks._ratio import Result

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    return sorted(p.stem.removesuffix("_bench") for p in HERE.glob("*_bench.py"))


def table(results: list[Result]) -> str:
    head = f"{'module':<10} {'benchmark':<30} {'alg':<6} {'us/op':>9} {'baseline':<11}" \
           f" {'us/op':>8} {'ratio':>6} {'target':>6}  ok"
    lines = [head, "-" * len(head)]
    for r in results:
        target = f"{r.target:.1f}" if r.target is not None else "-"
        ok = {True: "yes", False: "NO", None: ""}[r.ok]
        lines.append(
            f"{r.module:<10} {r.name:<30} {r.alg:<6} {r.seconds * 1e6:>9.1f} {r.baseline:<11}"
            f" {r.baseline_seconds * 1e6:>8.1f} {r.ratio:>6.2f} {target:>6}  {ok}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {discover()}")
    parser.add_argument("--quick", action="store_true", help="shorter measurements")
    parser.add_argument("--no-save", action="store_true", help="do not write results JSON")
    args = parser.parse_args(argv)
    available = discover()
    unknown = [n for n in args.names if n not in available]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; available: {available}")
    started = time.time()
    results: list[Result] = []
    errors: dict[str, str] = {}
    for name in args.names or available:
        try:
            module = importlib.import_module(f"benchmarks.{name}_bench")
            results.extend(module.run(quick=args.quick))
        except Exception as exc:  # one broken module must not hide the others' numbers
            errors[name] = f"{type(exc).__name__}: {exc}"
    print(table(results))
    for name, message in errors.items():
        print(f"\n{name}: FAILED ({message})", file=sys.stderr)
    elapsed = time.time() - started
    print(f"\n{len(results)} benchmarks in {elapsed:.1f} s")
    if not args.no_save:
        out_dir = HERE / "results"
        out_dir.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(started))
        doc = {
            "started": stamp,
            "seconds": round(elapsed, 2),
            "python": sys.version.split()[0],
            "machine": platform.machine(),
            "results": [r.to_dict() for r in results],
            "errors": errors,
        }
        path = out_dir / f"{'-'.join(args.names) or 'all'}-{stamp}.json"
        path.write_text(json.dumps(doc, indent=2) + "\n")
        (out_dir / "latest.json").write_text(json.dumps(doc, indent=2) + "\n")
        print(f"saved {path.relative_to(HERE.parent)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
