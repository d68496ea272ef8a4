"""``rotonde keys new|public``: make a key pair, print a public JWK."""

from __future__ import annotations

import argparse
from typing import Any

from rotonde import keys
from rotonde.cli.support import Subcommands, guarded, print_json, read_json_file, usage_error
from rotonde.errors import RotondeError

__all__ = ["register"]


def _new(args: argparse.Namespace) -> int:
    key = keys.generate(args.alg, kid=args.kid)
    print_json(key.to_jwk())
    return 0


def _public(args: argparse.Namespace) -> int:
    jwk = read_json_file(args.file, "JWK")
    try:
        public = keys.public_key_from_jwk(jwk)
    except RotondeError as exc:
        usage_error(f"{args.file}: {exc.message}")
    out: dict[str, Any] = public.to_jwk()
    out["alg"] = public.alg
    if isinstance(jwk.get("kid"), str):
        out["kid"] = jwk["kid"]
    print_json(out)
    return 0


def register(sub: Subcommands) -> None:
    p = sub.add_parser("keys", help="create and inspect keys")
    ks = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    new = ks.add_parser("new", help="print a new private JWK")
    new.add_argument("--alg", choices=sorted(keys.ALGORITHMS), default="ES256")
    new.add_argument("--kid", default=None, help="key id to put in the JWK")
    new.set_defaults(handler=guarded(_new))
    pub = ks.add_parser("public", help="print the public JWK of a private JWK file")
    pub.add_argument("file", metavar="FILE")
    pub.set_defaults(handler=guarded(_public))
