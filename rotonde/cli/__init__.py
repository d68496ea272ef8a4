"""The ``rotonde`` command. Its interface is stable: users' scripts and CI depend on it.

Exit codes: 0 success (for ``verify``: verified), 1 failure (not verified, operation failed),
2 usage error (bad arguments, unreadable input file).

Each command group of the core lives in its own module with a ``register(subparsers)``
function; the modules are listed in :data:`COMMANDS`. Command groups of the services
(``issuer``, ``wallet``, ``verifier``, ``up``) are plug-ins: packages above the core declare a
``register`` function under the entry-point group :data:`PLUGIN_GROUP` (see
``pyproject.toml``), so the core never imports them. A plug-in whose dependencies are missing
(the core installed without the ``server`` extra) still appears in the help and says what to
install when it is run.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from rotonde import __version__
from rotonde.cli.support import Subcommands

__all__ = ["COMMANDS", "PLUGIN_GROUP", "build_parser", "main"]

#: Modules under :mod:`rotonde.cli` that contribute sub-commands, in help order.
COMMANDS: tuple[str, ...] = ("demo", "keys", "sign", "present", "verify", "credential")
#: Entry-point group of command plug-ins (``name = "package.module:register"``).
PLUGIN_GROUP = "rotonde.commands"
#: Help order of the known plug-ins; any other plug-in follows in name order.
_PLUGIN_ORDER = ("issuer", "wallet", "verifier", "up")


def _missing(sub: Subcommands, name: str, exc: ModuleNotFoundError) -> None:
    """A stand-in for a plug-in that cannot be imported: it explains and exits 2."""
    parser = sub.add_parser(name, help=f"(needs: pip install 'rotonde[server]'; missing {exc.name})",
                            add_help=False)
    parser.add_argument("rest", nargs=argparse.REMAINDER)

    def explain(_args: argparse.Namespace) -> int:
        sys.stderr.write(
            f"rotonde {name}: this command needs the service dependencies "
            f"(module {exc.name!r} is not installed): pip install 'rotonde[server]'\n"
        )
        return 2

    parser.set_defaults(handler=explain)


def _plugins(sub: Subcommands) -> None:
    found = {ep.name: ep for ep in entry_points(group=PLUGIN_GROUP)}
    ordered = [n for n in _PLUGIN_ORDER if n in found] + sorted(set(found) - set(_PLUGIN_ORDER))
    for name in ordered:
        try:
            register = found[name].load()
            # A dry run on a scratch parser: a plug-in may import its dependencies only while
            # registering, and a half-registered command could not be replaced afterwards.
            register(argparse.ArgumentParser(add_help=False).add_subparsers())
        except ModuleNotFoundError as exc:
            _missing(sub, name, exc)
            continue
        register(sub)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rotonde",
        description="Verifiable learning credentials: issue, hold, present and verify.",
    )
    parser.add_argument("--version", action="version", version=f"rotonde {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"rotonde.cli.{name}").register(sub)
    _plugins(sub)
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
