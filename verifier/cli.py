"""``rotonde verifier serve``: run the verifier service with uvicorn; ``rotonde verifier
rekey``: re-seal its stored secrets under a new KEK (docs/deployment.md §6.1); ``rotonde
verifier staff add|remove --name N``: staff accounts for the employer pages.

Settings come from ``ROTONDE_VERIFIER_*`` environment variables (see
:mod:`verifier.settings`); flags override them. SQLite in the data directory by default,
PostgreSQL via ``ROTONDE_VERIFIER_DATABASE_URL=postgresql+psycopg://...``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rotonde.cli.support import Subcommands, show_help

if TYPE_CHECKING:
    from rotonde.clock import Clock
    from servicekit.db import Database
    from verifier.settings import VerifierSettings

__all__ = ["register"]


def _serve(args: argparse.Namespace) -> int:
    from servicekit.serving import serve_command
    from verifier.app import create_app
    from verifier.settings import ENV_PREFIX, load_settings

    return serve_command(args, name="verifier", load=load_settings, build=create_app,
                         prefix=ENV_PREFIX, about=lambda s: f"did {s.client_id_did}",
                         trust_list=args.trust_list)


def _rekey(args: argparse.Namespace) -> int:
    from rotonde.cli.support import print_json
    from verifier.flows.rekey import rekey_verifier

    print_json({"rekeyed": rekey_verifier(_settings(args))})
    return 0


def _staff_context(args: argparse.Namespace) -> tuple[Database, Clock]:
    """Database and clock of the configured verifier (migrated), for the staff commands."""
    from rotonde.clock import SystemClock
    from verifier.flows.context import open_database

    return open_database(_settings(args)), SystemClock()


def _settings(args: argparse.Namespace) -> VerifierSettings:
    """Settings from the environment with ``--data-dir`` and ``--dev`` applied."""
    from verifier.settings import load_settings

    overrides: dict[str, Any] = {"data_dir": args.data_dir}
    if args.dev:
        overrides["dev"] = True
    return load_settings(**overrides)


def _read_password(args: argparse.Namespace) -> str:
    """The new password: from ``--password-file`` (``-`` for standard input) or a prompt."""
    if args.password_file == "-":
        return sys.stdin.readline().rstrip("\n")
    if args.password_file:
        return Path(args.password_file).read_text(encoding="utf-8").rstrip("\n")
    import getpass

    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        from rotonde.errors import ValidationError

        raise ValidationError("account.password_mismatch", "the passwords differ",
                              message_nl="de wachtwoorden verschillen")
    return first


def _staff_add(args: argparse.Namespace) -> int:
    from rotonde.cli.support import print_json
    from verifier.flows.staff import add_staff

    password = _read_password(args)
    db, clock = _staff_context(args)
    try:
        with db.session() as s:
            add_staff(s, clock, args.name, password)
    finally:
        db.dispose()
    print_json({"staff": args.name.strip().lower(), "added": True})
    return 0


def _staff_remove(args: argparse.Namespace) -> int:
    from rotonde.cli.support import print_json
    from verifier.flows.staff import remove_staff

    db, _ = _staff_context(args)
    try:
        with db.session() as s:
            remove_staff(s, args.name)
    finally:
        db.dispose()
    print_json({"staff": args.name.strip().lower(), "removed": True})
    return 0


def register(sub: Subcommands) -> None:
    from rotonde.cli.support import guarded
    from servicekit.serving import add_serve_arguments

    parser = sub.add_parser("verifier", help="the verifier service")
    vsub = parser.add_subparsers(dest="verifier_command", metavar="COMMAND")
    serve = vsub.add_parser("serve", help="run the verifier web service")
    add_serve_arguments(serve, port=8003)
    serve.add_argument("--trust-list", default=None, metavar="FILE_OR_URL",
                       help="trust list of accredited issuers")
    serve.set_defaults(handler=guarded(_serve))
    rekey = vsub.add_parser(
        "rekey", help="re-seal stored secrets under the current KEK (after KEK rotation)")
    rekey.add_argument("--data-dir", type=Path, default=None, help="SQLite database and dev secrets")
    rekey.add_argument("--dev", action="store_true", help="development mode (KEK in the data dir)")
    rekey.set_defaults(handler=guarded(_rekey))

    staff = vsub.add_parser("staff", help="staff accounts for the employer pages")
    ssub = staff.add_subparsers(dest="staff_command", metavar="COMMAND")
    staff.set_defaults(handler=show_help(staff))
    add = ssub.add_parser("add", help="add a staff account (password prompted or from a file)")
    remove = ssub.add_parser("remove", help="remove a staff account and end its sessions")
    for p in (add, remove):
        p.add_argument("--name", required=True, help="sign-in name (3-64 letters, digits, .-_@)")
        p.add_argument("--data-dir", type=Path, default=None, help="SQLite database")
        p.add_argument("--dev", action="store_true", help="development mode")
    add.add_argument("--password-file", default=None, metavar="FILE",
                     help="read the password from FILE ('-': standard input)")
    add.set_defaults(handler=guarded(_staff_add))
    remove.set_defaults(handler=guarded(_staff_remove))
