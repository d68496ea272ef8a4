"""``rotonde sign --format FORMAT --key ISSUER_JWK ... CLAIMS_JSON``: sign claims.

Formats are dispatched through :data:`FORMAT_SIGNERS` (format name → function taking the parsed
arguments, the claims and the issuer key, returning the serialised credential). To add a
format, add an entry and, if it needs its own options, a function to :data:`FORMAT_OPTIONS`
that adds them to the parser (e.g. ``--did DID`` for ``ldp_vc`` and ``vc+jwt``).

``dc+sd-jwt`` options: ``--holder-key HOLDER_PUBLIC_JWK`` (becomes ``cnf.jwk``), ``--sd PATH ...``
(one or more, repeatable; ``achievement.level``, ``skills.0``, ``skills.*``), ``--all-sd`` (every claim except
``iss``, ``vct``, ``iat``, ``exp``, ``nbf``, ``cnf``, ``status``), ``--vct``, ``--iss``,
``--exp`` (ISO 8601).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rotonde import keys, sdjwt
from rotonde.cli import _sign_vc
from rotonde.cli.support import Subcommands, guarded, read_json_file, usage_error
from rotonde.clock import to_timestamp
from rotonde.errors import ConfigurationError, RotondeError

__all__ = ["FORMAT_OPTIONS", "FORMAT_SIGNERS", "register", "sign_sdjwt", "trailing_file"]

Signer = Callable[[argparse.Namespace, dict[str, Any], keys.PrivateKey], str]


def trailing_file(positional: str | None, paths: list[str] | None, metavar: str) -> str:
    """The input file: the positional, or the last of ``paths`` when ``--sd a b FILE`` /
    ``--disclose a b FILE`` let argparse swallow it (it must then name an existing file)."""
    if positional is not None:
        return positional
    if paths and (paths[-1] == "-" or Path(paths[-1]).is_file()):
        return paths.pop()
    usage_error(f"the following argument is required: {metavar}")


def _public_key(path: str, what: str) -> keys.PublicKey:
    jwk = read_json_file(path, what)
    try:
        return keys.public_key_from_jwk(jwk)
    except RotondeError as exc:
        usage_error(f"{path}: {exc.message}")


def sign_sdjwt(args: argparse.Namespace, claims: dict[str, Any], key: keys.PrivateKey) -> str:
    """The ``dc+sd-jwt`` branch: an SD-JWT VC (:func:`rotonde.sdjwt.issue`)."""
    holder = _public_key(args.holder_key, "holder JWK") if args.holder_key else None
    exp: int | None = None
    if args.exp:
        try:
            exp = int(to_timestamp(args.exp))
        except ValueError as exc:
            usage_error(f"--exp {args.exp!r}: {exc}")
    try:
        return sdjwt.issue(
            claims,
            signer=key,
            disclosable=args.sd or (),
            all_disclosable=args.all_sd,
            holder_key=holder,
            vct=args.vct,
            iss=args.iss,
            exp=exp,
        )
    except ConfigurationError as exc:
        usage_error(exc.message)


#: format name → signer. Colleagues add ``ldp_vc`` and ``vc+jwt`` here.
FORMAT_SIGNERS: dict[str, Signer] = {
    "dc+sd-jwt": sign_sdjwt,
    "ldp_vc": _sign_vc.sign_ldp_vc,
    "vc+jwt": _sign_vc.sign_vc_jwt,
}
#: extra option groups per format: functions ``(parser) -> None``.
FORMAT_OPTIONS: list[Callable[[argparse.ArgumentParser], None]] = [_sign_vc.add_vc_options]


def _sign(args: argparse.Namespace) -> int:
    signer = FORMAT_SIGNERS.get(args.format)
    if signer is None:  # pragma: no cover - argparse choices guard this
        usage_error(f"unsupported format {args.format!r}")
    args.claims = trailing_file(args.claims, args.sd, "CLAIMS_JSON")
    claims = read_json_file(args.claims, "claims")
    if not isinstance(claims, dict):
        usage_error(f"{args.claims}: claims must be a JSON object")
    jwk = read_json_file(args.key, "issuer JWK")
    try:
        key = keys.private_key_from_jwk(jwk)
    except RotondeError as exc:
        usage_error(f"{args.key}: {exc.message}")
    sys.stdout.write(signer(args, claims, key) + "\n")
    return 0


def register(sub: Subcommands) -> None:
    p = sub.add_parser("sign", help="sign claims as a credential (SD-JWT VC, ...)")
    p.add_argument("--format", required=True, choices=sorted(FORMAT_SIGNERS),
                   help="credential format")
    p.add_argument("--key", required=True, metavar="ISSUER_JWK", help="issuer private JWK file")
    p.add_argument("--holder-key", metavar="HOLDER_PUBLIC_JWK",
                   help="holder public JWK file (key binding, cnf.jwk)")
    p.add_argument("--sd", action="extend", nargs="+", metavar="PATH",
                   help="selectively disclosable claim path(s)")
    p.add_argument("--all-sd", action="store_true",
                   help="make every claim disclosable except iss, vct, iat, exp, nbf, cnf, status")
    p.add_argument("--vct", help="SD-JWT VC type (vct)")
    p.add_argument("--iss", help="issuer identifier (iss)")
    p.add_argument("--exp", metavar="ISO8601", help="expiry date-time")
    for add_options in FORMAT_OPTIONS:
        add_options(p)
    p.add_argument("claims", metavar="CLAIMS_JSON", nargs="?",
                   help="claims JSON file (- for stdin)")
    p.set_defaults(handler=guarded(_sign))
