"""``rotonde verifier serve``: run the verifier service with uvicorn; ``rotonde verifier
rekey``: re-seal its stored secrets under a new KEK (docs/deployment.md §6.1).

Settings come from ``ROTONDE_VERIFIER_*`` environment variables (see
:mod:`verifier.settings`); flags override them. SQLite in the data directory by default,
PostgreSQL via ``ROTONDE_VERIFIER_DATABASE_URL=postgresql+psycopg://...``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]


def _serve(args: argparse.Namespace) -> int:
    from rotonde.web.serving import serve
    from verifier.app import create_app
    from verifier.settings import ENV_PREFIX, load_settings

    overrides: dict[str, Any] = {
        "host": args.host, "port": args.port, "data_dir": args.data_dir,
        "trust_list": args.trust_list, "public_url": args.public_url,
    }
    if args.dev:
        overrides["dev"] = True
    if args.port is not None and args.public_url is None and args.dev:
        overrides["public_url"] = f"http://{args.host or '127.0.0.1'}:{args.port}"
    settings = load_settings(**overrides)
    sys.stderr.write(f"rotonde verifier on {settings.base_url} (did {settings.client_id_did}, "
                     f"{args.workers} worker(s))\n")
    serve(create_app, settings, factory="verifier.app:app_from_env", prefix=ENV_PREFIX,
          workers=args.workers, log_level="info")
    return 0


def _rekey(args: argparse.Namespace) -> int:
    from rotonde.cli._io import print_json
    from verifier.flows.rekey import rekey_verifier
    from verifier.settings import load_settings

    overrides: dict[str, Any] = {"data_dir": args.data_dir}
    if args.dev:
        overrides["dev"] = True
    print_json({"rekeyed": rekey_verifier(load_settings(**overrides))})
    return 0


def register(sub: Any) -> None:
    from pathlib import Path

    from rotonde.cli._io import guarded

    parser = sub.add_parser("verifier", help="the verifier service")
    vsub = parser.add_subparsers(dest="verifier_command", metavar="COMMAND")
    serve = vsub.add_parser("serve", help="run the verifier web service")
    serve.add_argument("--host", default=None, help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8003)")
    serve.add_argument("--workers", type=int, default=1,
                       help="worker processes sharing the port (default 1)")
    serve.add_argument("--data-dir", type=Path, default=None, help="SQLite database and dev secrets")
    serve.add_argument("--dev", action="store_true", help="development mode (http, loopback)")
    serve.add_argument("--trust-list", default=None, metavar="FILE_OR_URL",
                       help="trust list of accredited issuers")
    serve.add_argument("--public-url", default=None, help="externally visible base URL")
    serve.set_defaults(handler=guarded(_serve))
    rekey = vsub.add_parser(
        "rekey", help="re-seal stored secrets under the current KEK (after KEK rotation)")
    rekey.add_argument("--data-dir", type=Path, default=None, help="SQLite database and dev secrets")
    rekey.add_argument("--dev", action="store_true", help="development mode (KEK in the data dir)")
    rekey.set_defaults(handler=guarded(_rekey))
