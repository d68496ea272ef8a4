"""``rotonde verify [--issuer-key JWK] [--nonce N] [--aud A] [--challenge C] [--domain D]
[--now ISO8601] [--trust-list FILE] [--document FILE ...] [--offline] FILE|-``.

Detects the format (:func:`rotonde.formats.load_input`), verifies with
:func:`rotonde.verify.verify` and prints the report JSON. Exit status: 0 verified, 1 not
verified, 2 usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rotonde import keys
from rotonde.cli.support import Subcommands, guarded, print_json, read_json_file, read_text, usage_error
from rotonde.clock import Clock, FixedClock, SystemClock
from rotonde.errors import RotondeError
from rotonde.formats import load_input
from rotonde.trust import TrustList, load_trust_list
from rotonde.verify import ReportBuilder, VerifyOptions, verify

__all__ = ["register"]


def _trust_list(path: str, clock: Clock) -> TrustList:
    try:
        return load_trust_list(Path(path), clock=clock)
    except RotondeError as exc:
        usage_error(f"{path}: {exc.message}")
    except OSError as exc:
        usage_error(f"cannot read {path}: {exc.strerror}")


def _options(args: argparse.Namespace) -> VerifyOptions:
    issuer_key: keys.PublicKey | None = None
    if args.issuer_key:
        try:
            issuer_key = keys.public_key_from_jwk(read_json_file(args.issuer_key, "issuer JWK"))
        except RotondeError as exc:
            usage_error(f"{args.issuer_key}: {exc.message}")
    clock: Clock = SystemClock()
    if args.now:
        try:
            clock = FixedClock.at(args.now)
        except ValueError as exc:
            usage_error(f"--now {args.now!r}: {exc}")
    from rotonde.did import Resolver
    from rotonde.http import Fetcher
    from rotonde.status.resolver import StatusListResolver

    # Online by default: DIDs, issuer metadata and status lists are fetched through the one
    # Fetcher with its URL policy (https only, no private addresses, size and time caps).
    fetcher = None if args.offline else Fetcher()
    documents: dict[str, Any] = {}
    for path in args.document or ():
        doc = read_json_file(path, "DID or controller document")
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            usage_error(f"{path}: a DID or controller document needs an 'id'")
        documents[doc["id"]] = doc
    try:
        resolver = Resolver(fetcher, documents=documents)
    except RotondeError as exc:
        usage_error(exc.message)
    return VerifyOptions(
        issuer_key=issuer_key, nonce=args.nonce, audience=args.aud, challenge=args.challenge,
        domain=args.domain, clock=clock, fetcher=fetcher, resolver=resolver,
        status_resolver=StatusListResolver(fetcher) if fetcher is not None else None,
        trust_list=_trust_list(args.trust_list, clock) if args.trust_list else None,
    )


def _verify(args: argparse.Namespace) -> int:
    options = _options(args)
    text = read_text(args.file)
    try:
        data = load_input(text)
    except RotondeError as exc:
        builder = ReportBuilder("unknown")
        builder.fail("parse", *exc.problems)
        report = builder.build()
    else:
        report = verify(data, options)
    print_json(report.to_dict())
    return 0 if report.verified else 1


def register(sub: Subcommands) -> None:
    p = sub.add_parser("verify", help="verify any credential or presentation; print the report")
    p.add_argument("--issuer-key", metavar="JWK", help="issuer public JWK file (skip lookup)")
    p.add_argument("--nonce", help="expected nonce (SD-JWT KB-JWT, vp+jwt)")
    p.add_argument("--aud", help="expected audience (SD-JWT KB-JWT, vp+jwt)")
    p.add_argument("--challenge", help="expected challenge (Data Integrity presentations)")
    p.add_argument("--domain", help="expected domain (Data Integrity presentations)")
    p.add_argument("--now", metavar="ISO8601", help="verify as of this time")
    p.add_argument("--trust-list", metavar="FILE", help="trust list file")
    p.add_argument("--document", metavar="FILE", action="append",
                   help="a DID document or controller document to use instead of fetching it "
                        "(repeatable)")
    p.add_argument("--offline", action="store_true",
                   help="fetch nothing: DIDs other than did:key/did:jwk, issuer metadata and "
                        "status lists cannot be checked")
    p.add_argument("file", metavar="FILE", help="credential or presentation file, - for stdin")
    p.set_defaults(handler=guarded(_verify))
