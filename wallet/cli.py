"""``rotonde wallet serve [--host] [--port 8002] [--workers N] [--data-dir] [--dev]`` and ``rotonde wallet
rekey [--data-dir] [--dev]`` (re-seal stored secrets under a new KEK; docs/deployment.md §6.1)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rotonde.cli.support import Subcommands, show_help

__all__ = ["register"]


def register(sub: Subcommands) -> None:
    from rotonde.cli.support import guarded
    from servicekit.serving import add_serve_arguments

    wallet = sub.add_parser("wallet", help="the learner's wallet web app")
    wsub = wallet.add_subparsers(dest="wallet_command", metavar="COMMAND")
    serve = wsub.add_parser("serve", help="run the wallet web app")
    add_serve_arguments(serve, port=8002)
    serve.set_defaults(handler=guarded(_serve))
    rekey = wsub.add_parser(
        "rekey", help="re-seal stored secrets under the current KEK (after KEK rotation)")
    rekey.add_argument("--data-dir", type=Path, default=None,
                       help="directory for the SQLite database and development secrets")
    rekey.add_argument("--dev", action="store_true", default=None,
                       help="development mode: KEK in the data directory")
    rekey.set_defaults(handler=guarded(_rekey))
    wallet.set_defaults(handler=show_help(wallet))


def _rekey(args: argparse.Namespace) -> int:
    from rotonde.cli.support import print_json
    from wallet.flows.rekey import rekey_wallet
    from wallet.settings import load_settings

    settings = load_settings(data_dir=args.data_dir, dev=args.dev)
    print_json({"rekeyed": rekey_wallet(settings)})
    return 0


def _serve(args: argparse.Namespace) -> int:
    from servicekit.serving import serve_command
    from wallet.app import create_app
    from wallet.settings import ENV_PREFIX, load_settings

    return serve_command(args, name="wallet", load=load_settings, build=create_app,
                         prefix=ENV_PREFIX)
