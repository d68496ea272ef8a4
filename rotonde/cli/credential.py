"""``rotonde credential``: render an achievement record in a credential form, or read one back.

* ``rotonde credential build --form elm|ob3|sd-jwt-vc [--issuer DID] RECORD_JSON`` prints the
  unsigned form. ``elm`` and ``ob3`` need ``--issuer`` (the DID that will sign, as used by
  ``rotonde sign --format ldp_vc --did``). ``sd-jwt-vc`` prints
  ``{"claims": ..., "disclosable": [...], "vct": ...}``; ``--output claims`` prints the claims
  alone and ``--output paths`` the disclosable paths, one per line, ready for
  ``rotonde sign --format dc+sd-jwt --vct VCT --sd PATH ... CLAIMS_JSON``.
* ``rotonde credential read FILE`` prints the record any form reads back into (ELM, OB 3.0,
  SD-JWT VC compact or processed claims, or a record).
* ``rotonde credential validate RECORD_JSON`` checks a record (schema and semantic rules).

Invalid input exits 1 and prints every problem (JSON pointer, English and Dutch) on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rotonde.cli.support import (
    Subcommands,
    guarded,
    print_json,
    read_json_file,
    read_text,
    show_help,
    usage_error,
)
from rotonde.encoding import loads_json
from rotonde.errors import RotondeError, ValidationError

__all__ = ["register"]

FORMS = ("elm", "ob3", "sd-jwt-vc")


def _problems(exc: RotondeError) -> int:
    sys.stderr.write(json.dumps({"error": exc.code,
                                 "problems": [p.to_dict() for p in exc.problems]},
                                indent=2, ensure_ascii=False) + "\n")
    return 1


def _record(path: str) -> dict[str, Any]:
    data = read_json_file(path, "record")
    if not isinstance(data, dict):
        usage_error(f"{path}: a record must be a JSON object")
    return data


def _build(args: argparse.Namespace) -> int:
    from rotonde.learning import elm, ob3, sdjwt_vc

    record = _record(args.record)
    try:
        if args.form == "sd-jwt-vc":
            claims, paths, vct = sdjwt_vc.build(record)
            if args.output == "claims":
                print_json(claims)
            elif args.output == "paths":
                sys.stdout.write("".join(f"{p}\n" for p in paths))
            else:
                print_json({"claims": claims, "disclosable": paths, "vct": vct})
            return 0
        if not args.issuer:
            usage_error(f"--form {args.form} needs --issuer DID (the DID that will sign)")
        module = elm if args.form == "elm" else ob3
        print_json(module.build(record, issuer_id=args.issuer, credential_id=args.id))
        return 0
    except ValidationError as exc:
        return _problems(exc)


def _read(args: argparse.Namespace) -> int:
    from rotonde.learning import read

    text = read_text(args.file).strip()
    data: Any = text
    if text.startswith("{"):
        try:
            data = loads_json(text, what="credential")
        except RotondeError as exc:
            usage_error(f"{args.file}: {exc.message}")
    try:
        print_json(read(data))
    except ValidationError as exc:
        return _problems(exc)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from rotonde.learning import validate_record

    try:
        validate_record(_record(args.record))
    except ValidationError as exc:
        return _problems(exc)
    print_json({"valid": True})
    return 0


def register(sub: Subcommands) -> None:
    p = sub.add_parser("credential", help="learning achievements: build a form, read one back")
    p.set_defaults(handler=show_help(p))
    cmds = p.add_subparsers(dest="credential_command", metavar="ACTION")
    b = cmds.add_parser("build", help="render a record as an unsigned ELM, OB 3.0 or SD-JWT VC")
    b.add_argument("--form", required=True, choices=FORMS, help="credential form")
    b.add_argument("--issuer", metavar="DID", help="issuer DID (elm, ob3)")
    b.add_argument("--id", metavar="URI", help="credential id (elm, ob3)")
    b.add_argument("--output", choices=("all", "claims", "paths"), default="all",
                   help="sd-jwt-vc: what to print (default: claims, paths and vct)")
    b.add_argument("record", metavar="RECORD_JSON", help="achievement record (- for stdin)")
    b.set_defaults(handler=guarded(_build))
    r = cmds.add_parser("read", help="read any credential form back into a record")
    r.add_argument("file", metavar="FILE", help="credential file: JSON or compact SD-JWT")
    r.set_defaults(handler=guarded(_read))
    v = cmds.add_parser("validate", help="check an achievement record")
    v.add_argument("record", metavar="RECORD_JSON", help="achievement record (- for stdin)")
    v.set_defaults(handler=guarded(_validate))
