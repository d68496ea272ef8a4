"""``rotonde wallet serve [--host] [--port 8002] [--workers N] [--data-dir] [--dev]`` and ``rotonde wallet
rekey [--data-dir] [--dev]`` (re-seal stored secrets under a new KEK; docs/deployment.md §6.1)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["register"]


def register(sub: Any) -> None:
    from rotonde.cli.support import guarded

    wallet = sub.add_parser("wallet", help="the learner's wallet web app")
    wsub = wallet.add_subparsers(dest="wallet_command", metavar="COMMAND")
    serve = wsub.add_parser("serve", help="run the wallet web app")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8002)")
    serve.add_argument("--workers", type=int, default=1,
                       help="worker processes sharing the port (default 1)")
    serve.add_argument("--data-dir", type=Path, default=None,
                       help="directory for the SQLite database and development secrets")
    serve.add_argument("--public-url", default=None, help="externally visible base URL")
    serve.add_argument("--dev", action="store_true", default=None,
                       help="development mode: http, loopback fetches, generated KEK")
    serve.set_defaults(handler=guarded(_serve))
    rekey = wsub.add_parser(
        "rekey", help="re-seal stored secrets under the current KEK (after KEK rotation)")
    rekey.add_argument("--data-dir", type=Path, default=None,
                       help="directory for the SQLite database and development secrets")
    rekey.add_argument("--dev", action="store_true", default=None,
                       help="development mode: KEK in the data directory")
    rekey.set_defaults(handler=guarded(_rekey))
    wallet.set_defaults(handler=lambda args: (wallet.print_help(), 2)[1])


def _rekey(args: argparse.Namespace) -> int:
    from rotonde.cli.support import print_json
    from wallet.flows.rekey import rekey_wallet
    from wallet.settings import load_settings

    settings = load_settings(data_dir=args.data_dir, dev=args.dev)
    print_json({"rekeyed": rekey_wallet(settings)})
    return 0


def _serve(args: argparse.Namespace) -> int:
    from servicekit.serving import serve
    from wallet.app import create_app
    from wallet.settings import ENV_PREFIX, load_settings

    overrides: dict[str, Any] = {"host": args.host, "port": args.port, "data_dir": args.data_dir,
                                 "public_url": args.public_url, "dev": args.dev}
    if args.port and not args.public_url and args.dev:
        overrides["public_url"] = f"http://{args.host or '127.0.0.1'}:{args.port}"
    settings = load_settings(**overrides)
    # Proxy headers are trusted from FORWARDED_ALLOW_IPS (uvicorn's variable; default 127.0.0.1).
    serve(create_app, settings, factory="wallet.app:app_from_env", prefix=ENV_PREFIX,
          workers=args.workers, proxy_headers=True)
    return 0
