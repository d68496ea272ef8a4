"""``rotonde present --holder-key HOLDER_JWK --disclose PATH ... --nonce N --aud A SDJWT_FILE``.

Prints an SD-JWT presentation showing the named claims (RFC 9901 §5.2), with a KB-JWT signed
by the holder key bound to ``nonce`` and ``aud`` (§4.3). Without ``--holder-key`` the
presentation has no key binding (and ``--nonce``/``--aud`` are refused).
"""

from __future__ import annotations

import argparse
import sys

from rotonde import keys, sdjwt
from rotonde.cli.sign import trailing_file
from rotonde.cli.support import Subcommands, guarded, read_json_file, read_text, usage_error
from rotonde.errors import ConfigurationError, KeyFormatError, RotondeError

__all__ = ["register"]


def _present(args: argparse.Namespace) -> int:
    path = trailing_file(args.sdjwt, args.disclose, "SDJWT_FILE")
    holder: keys.PrivateKey | None = None
    if args.holder_key:
        try:
            holder = keys.private_key_from_jwk(read_json_file(args.holder_key, "holder JWK"))
        except RotondeError as exc:
            usage_error(f"{args.holder_key}: {exc.message}")
        if not args.nonce or not args.aud:
            usage_error("--holder-key needs --nonce and --aud")
    elif args.nonce or args.aud:
        usage_error("--nonce and --aud need --holder-key (key binding)")
    token = "".join(read_text(path).split())
    try:
        shown = sdjwt.present(
            token, disclose=args.disclose or (), holder_key=holder, nonce=args.nonce,
            aud=args.aud,
        )
    except (ConfigurationError, KeyFormatError) as exc:
        usage_error(exc.message)
    sys.stdout.write(shown + "\n")
    return 0


def register(sub: Subcommands) -> None:
    p = sub.add_parser("present", help="present chosen claims of an SD-JWT VC with key binding")
    p.add_argument("--holder-key", metavar="HOLDER_JWK", help="holder private JWK file")
    p.add_argument("--disclose", action="extend", nargs="+", metavar="PATH",
                   help="claim path(s) to show (achievement.level, skills.0, skills.*)")
    p.add_argument("--nonce", help="verifier nonce for the KB-JWT")
    p.add_argument("--aud", help="verifier audience for the KB-JWT")
    p.add_argument("sdjwt", metavar="SDJWT_FILE", nargs="?",
                   help="issued SD-JWT file (- for stdin)")
    p.set_defaults(handler=guarded(_present))
