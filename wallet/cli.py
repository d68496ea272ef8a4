"""``rotonde wallet serve [--host] [--port 8002] [--data-dir] [--dev]``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["register"]


def register(sub: Any) -> None:
    from rotonde.cli._io import guarded

    wallet = sub.add_parser("wallet", help="the learner's wallet web app")
    wsub = wallet.add_subparsers(dest="wallet_command", metavar="COMMAND")
    serve = wsub.add_parser("serve", help="run the wallet web app")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8002)")
    serve.add_argument("--data-dir", type=Path, default=None,
                       help="directory for the SQLite database and development secrets")
    serve.add_argument("--public-url", default=None, help="externally visible base URL")
    serve.add_argument("--dev", action="store_true", default=None,
                       help="development mode: http, loopback fetches, generated KEK")
    serve.set_defaults(handler=guarded(_serve))
    wallet.set_defaults(handler=lambda args: (wallet.print_help(), 2)[1])


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from wallet.app import create_app
    from wallet.settings import load_settings

    overrides: dict[str, Any] = {"host": args.host, "port": args.port, "data_dir": args.data_dir,
                                 "public_url": args.public_url, "dev": args.dev}
    if args.port and not args.public_url and args.dev:
        overrides["public_url"] = f"http://{args.host or '127.0.0.1'}:{args.port}"
    settings = load_settings(**overrides)
    app = create_app(settings)
    # Proxy headers are trusted from FORWARDED_ALLOW_IPS (uvicorn's variable; default 127.0.0.1).
    uvicorn.run(app, host=settings.host, port=settings.port, proxy_headers=True)
    return 0
