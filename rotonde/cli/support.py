"""Shared helpers for CLI commands: reading input files, printing JSON, usage errors, and the
types a command group is registered with (:data:`Subcommands`, :data:`Handler`)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from rotonde.encoding import loads_json
from rotonde.errors import RotondeError

__all__ = [
    "Handler", "Subcommands", "UsageError", "guarded", "print_json", "read_json_file", "read_text",
    "show_help", "usage_error",
]

#: A command's handler (``set_defaults(handler=...)``): the parsed arguments in, the exit status out.
Handler: TypeAlias = Callable[[argparse.Namespace], int]
#: What a command group's ``register`` adds its commands to (``parser.add_subparsers()``).
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class UsageError(Exception):
    """A usage error: the command prints it and exits with status 2."""


def usage_error(message: str) -> NoReturn:
    raise UsageError(message)


def read_text(path: str) -> str:
    """Read a file, or standard input for ``-``; a missing file is a usage error."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        usage_error(f"cannot read {path}: {exc.strerror}")


def read_json_file(path: str, what: str = "JSON") -> Any:
    try:
        return loads_json(read_text(path), what=f"{what} ({path})")
    except RotondeError as exc:
        usage_error(exc.message)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def show_help(parser: argparse.ArgumentParser) -> Handler:
    """The handler of a command group run without a command: its help on standard error, exit 2."""

    def handler(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return handler


def guarded(fn: Handler) -> Handler:
    """Wrap a handler: usage errors exit 2, core errors exit 1, both with a one-line message."""

    def wrapper(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except UsageError as exc:
            sys.stderr.write(f"rotonde: error: {exc}\n")
            return 2
        except RotondeError as exc:
            sys.stderr.write(f"rotonde: {exc.code}: {exc.message}\n")
            return 1

    return wrapper
