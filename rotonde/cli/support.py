"""Shared helpers for CLI commands: reading input files, printing JSON, usage errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from rotonde.encoding import loads_json
from rotonde.errors import RotondeError

__all__ = ["UsageError", "print_json", "read_json_file", "read_text", "usage_error"]


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


def guarded(fn: Any) -> Any:
    """Wrap a handler: usage errors exit 2, core errors exit 1, both with a one-line message."""

    def wrapper(args: Any) -> int:
        try:
            code: int = fn(args)
            return code
        except UsageError as exc:
            sys.stderr.write(f"rotonde: error: {exc}\n")
            return 2
        except RotondeError as exc:
            sys.stderr.write(f"rotonde: {exc.code}: {exc.message}\n")
            return 1

    return wrapper
