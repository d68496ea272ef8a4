"""``rotonde issuer ...``: run and operate the issuer.

* ``rotonde issuer serve [--host H] [--port P] [--workers N] [--data-dir DIR] [--dev]``
* ``rotonde issuer tenant add --slug S --name-nl N --name-en N [--brin ..] [--did-method key]``
* ``rotonde issuer tenant rotate-key --tenant S --purpose di|jose``
* ``rotonde issuer rekey`` (re-seal secrets under a new KEK; docs/deployment.md §6.1)
* ``rotonde issuer apikey new --tenant S [--scopes a,b] [--label L]``
* ``rotonde issuer achievement add --tenant S FILE`` (a catalogue template as JSON)
* ``rotonde issuer offer --tenant S --achievement ID --learner NAME [--learner-ref R]``

Settings come from ``ROTONDE_ISSUER_*`` environment variables; the flags override them.
Start-up problems (port in use, unwritable data dir, unreachable database, a database schema
newer than this code, missing KEK) end with one clear line and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rotonde.cli.support import Handler, Subcommands, guarded, print_json, read_json_file, show_help
from rotonde.errors import RotondeError
from servicekit.serving import add_serve_arguments

if TYPE_CHECKING:
    from issuer.context import IssuerContext
    from issuer.settings import IssuerSettings

__all__ = ["register"]


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, help="data directory (default: ./data)")
    p.add_argument("--dev", action="store_true", default=None,
                   help="development mode: http allowed, KEK generated in the data dir")
    p.add_argument("--public-url", help="externally visible base URL")
    p.add_argument("--database-url", help="SQLAlchemy URL (default: SQLite in the data dir)")


def _settings(args: argparse.Namespace, **extra: Any) -> IssuerSettings:
    from issuer.settings import load_settings

    return load_settings(data_dir=args.data_dir, dev=args.dev, public_url=args.public_url,
                         database_url=args.database_url, **extra)


def _context(args: argparse.Namespace) -> IssuerContext:
    from issuer.context import open_context

    return open_context(_settings(args))


def _serve(args: argparse.Namespace) -> int:
    from issuer.app import create_app
    from issuer.settings import ENV_PREFIX, load_settings
    from servicekit.serving import serve_command

    return serve_command(args, name="issuer", load=load_settings, build=create_app,
                         prefix=ENV_PREFIX)


def _rekey(args: argparse.Namespace) -> int:
    from issuer.flows.rekey import rekey_issuer

    print_json({"rekeyed": rekey_issuer(_context(args))})
    return 0


def _tenant_add(args: argparse.Namespace) -> int:
    from issuer.flows.tenants import create_tenant

    ctx = _context(args)
    tenant = create_tenant(
        ctx, slug=args.slug, name_nl=args.name_nl, name_en=args.name_en or args.name_nl,
        logo_uri=args.logo, country=args.country, brin=args.brin, rio=args.rio, kvk=args.kvk,
        did_method=args.did_method, actor="cli",
    )
    print_json({"id": tenant.id, "slug": tenant.slug, "did": tenant.did,
                "credential_issuer": ctx.tenant_base(tenant.slug)})
    return 0


def _tenant_rotate(args: argparse.Namespace) -> int:
    from issuer.flows.tenants import rotate_key, tenant_by_slug

    ctx = _context(args)
    rotate_key(ctx, tenant_by_slug(ctx, args.tenant), args.purpose, actor="cli")
    print_json({"tenant": args.tenant, "rotated": args.purpose})
    return 0


def _tenant_webhook(args: argparse.Namespace) -> int:
    from issuer.flows.tenants import tenant_by_slug
    from issuer.flows.webhooks import clear_webhook, set_webhook

    ctx = _context(args)
    tenant = tenant_by_slug(ctx, args.tenant)
    if args.clear:
        clear_webhook(ctx, tenant, actor="cli")
        print_json({"tenant": tenant.slug, "webhook": None})
        return 0
    secret = set_webhook(ctx, tenant, args.url, actor="cli")
    print_json({"tenant": tenant.slug, "webhook": args.url, "events": ["batch.completed"],
                "secret": secret})
    return 0


def _apikey_new(args: argparse.Namespace) -> int:
    from issuer.flows.apikeys import SCOPES, new_api_key
    from issuer.flows.tenants import tenant_by_slug

    ctx = _context(args)
    tenant = tenant_by_slug(ctx, args.tenant)
    scopes = [s.strip() for s in args.scopes.split(",")] if args.scopes else list(SCOPES)
    key_id, token = new_api_key(ctx, tenant.id, scopes=scopes, label=args.label or "")
    print_json({"id": key_id, "tenant": tenant.slug, "scopes": sorted(scopes), "token": token})
    return 0


def _achievement_add(args: argparse.Namespace) -> int:
    from issuer.flows.catalogue import create_achievement
    from issuer.flows.tenants import tenant_by_slug

    ctx = _context(args)
    template = read_json_file(args.file, "achievement")
    created = create_achievement(ctx, tenant_by_slug(ctx, args.tenant), template, actor="cli")
    print_json(created)
    return 0


def _offer(args: argparse.Namespace) -> int:
    from issuer.flows.issuing import issue_to_learner
    from issuer.flows.tenants import tenant_by_slug

    ctx = _context(args)
    result = issue_to_learner(
        ctx, tenant_by_slug(ctx, args.tenant), achievement_id=args.achievement,
        learner={"name": args.learner}, learner_ref=args.learner_ref,
        award_date=args.award_date, actor="cli",
    )
    body = result.to_dict()
    print_json({"id": body["id"], **body["offer"]})
    return 0


def _wrap(fn: Handler) -> Handler:
    """guarded() plus: an error with several problems prints each of them on its own line."""

    def inner(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except RotondeError as exc:
            if len(exc.problems) > 1:
                for p in exc.problems:
                    sys.stderr.write(f"rotonde: {p.code}: {p.pointer or ''} {p.message}\n")
                return 1
            raise

    return guarded(inner)


def register(sub: Subcommands) -> None:
    parser = sub.add_parser("issuer", help="run and operate the issuer service")
    isub = parser.add_subparsers(dest="issuer_command", metavar="COMMAND")
    parser.set_defaults(handler=show_help(parser))

    serve = isub.add_parser("serve", help="run the issuer HTTP service")
    add_serve_arguments(serve, port=8001)
    serve.set_defaults(handler=_wrap(_serve))

    rekey = isub.add_parser(
        "rekey", help="re-seal stored secrets under the current KEK (after KEK rotation)")
    _common(rekey)
    rekey.set_defaults(handler=_wrap(_rekey))

    tenant = isub.add_parser("tenant", help="manage tenants (issuing organisations)")
    tsub = tenant.add_subparsers(dest="tenant_command", metavar="COMMAND")
    tenant.set_defaults(handler=show_help(tenant))
    add = tsub.add_parser("add", help="add a tenant with fresh keys")
    _common(add)
    add.add_argument("--slug", required=True)
    add.add_argument("--name-nl", required=True)
    add.add_argument("--name-en")
    add.add_argument("--logo", help="https URL of the logo")
    add.add_argument("--country", default="NL")
    add.add_argument("--brin")
    add.add_argument("--rio")
    add.add_argument("--kvk")
    add.add_argument("--did-method", choices=("web", "key"), default="web")
    add.set_defaults(handler=_wrap(_tenant_add))
    rot = tsub.add_parser("rotate-key", help="rotate a tenant key (old one stays published)")
    _common(rot)
    rot.add_argument("--tenant", required=True)
    rot.add_argument("--purpose", choices=("di", "jose"), required=True)
    rot.set_defaults(handler=_wrap(_tenant_rotate))
    hook = tsub.add_parser(
        "webhook", help="send a signed batch.completed webhook to a URL (the key is shown once)")
    _common(hook)
    hook.add_argument("--tenant", required=True)
    which = hook.add_mutually_exclusive_group(required=True)
    which.add_argument("--url", help="https URL receiving the webhook (a new key each time)")
    which.add_argument("--clear", action="store_true", help="no webhook any more")
    hook.set_defaults(handler=_wrap(_tenant_webhook))

    apikey = isub.add_parser("apikey", help="manage provider API keys")
    asub = apikey.add_subparsers(dest="apikey_command", metavar="COMMAND")
    apikey.set_defaults(handler=show_help(apikey))
    new = asub.add_parser("new", help="create an API key (the token is shown once)")
    _common(new)
    new.add_argument("--tenant", required=True)
    new.add_argument("--scopes", help="comma-separated (default: all)")
    new.add_argument("--label")
    new.set_defaults(handler=_wrap(_apikey_new))

    ach = isub.add_parser("achievement", help="manage the achievement catalogue")
    csub = ach.add_subparsers(dest="achievement_command", metavar="COMMAND")
    ach.set_defaults(handler=show_help(ach))
    cadd = csub.add_parser("add", help="add an achievement template from a JSON file")
    _common(cadd)
    cadd.add_argument("--tenant", required=True)
    cadd.add_argument("file")
    cadd.set_defaults(handler=_wrap(_achievement_add))

    offer = isub.add_parser("offer", help="issue to a learner and print the offer")
    _common(offer)
    offer.add_argument("--tenant", required=True)
    offer.add_argument("--achievement", required=True, help="achievement id")
    offer.add_argument("--learner", required=True, help="learner's name")
    offer.add_argument("--learner-ref", help="your own reference for the learner")
    offer.add_argument("--award-date", help="YYYY-MM-DD (default: today)")
    offer.set_defaults(handler=_wrap(_offer))
