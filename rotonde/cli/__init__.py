"""The ``rotonde`` command. Its interface is stable: users' scripts and CI depend on it.

Exit codes: 0 success (for ``verify``: verified), 1 failure (not verified, operation failed),
2 usage error (bad arguments, unreadable input file).

Each command group lives in its own module with a ``register(subparsers)`` function; the
modules are listed in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from rotonde import __version__

__all__ = ["COMMANDS", "main"]

#: Modules under :mod:`rotonde.cli` that contribute sub-commands, in help order.
COMMANDS: tuple[str, ...] = (
    "demo",
    "keys",
    "sign",
    "present",
    "verify",
    "credential",
    "services",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rotonde",
        description="Verifiable learning credentials: issue, hold, present and verify.",
    )
    parser.add_argument("--version", action="version", version=f"rotonde {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"rotonde.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"rotonde.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    code: int = handler(args)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
