"""No blocking work on the event loop (docs/architecture.md §4), checked statically over every service
module and the shared web layer (:mod:`tests.security._blocking`): an ``async def`` route,
dependency, middleware, exception handler or lifespan must not reach the database, the Fetcher,
argon2 or a signing key, directly or through the functions it calls."""

from __future__ import annotations

import pytest

from tests.security._blocking import Project, offenders


def test_no_async_function_in_the_services_blocks_the_event_loop() -> None:
    found = offenders()
    assert not found, "blocking work on the event loop:\n" + "\n".join(map(str, found))


def test_the_check_sees_every_async_function_of_the_services() -> None:
    project = Project()
    names = {f"{m.name}:{fn.name}" for m, fn in project.async_functions()}
    # routes that still read their body on the loop, middleware, error handlers, lifespan
    for expected in ("issuer.routes.oid4vci:token", "verifier.routes.oid4vp:direct_post",
                     "servicekit.security:__call__", "servicekit.handlers:on_unexpected",
                     "servicekit.resources:lifespan", "servicekit.pages:read_form"):
        assert expected in names, sorted(names)


_HELPERS = '''
from servicekit.accounts import hash_password

def _store(ctx, row):
    with ctx.db.session() as s:
        s.add(row)

def _fetch(ctx, url):
    return ctx.fetcher.get_json(url)
'''


@pytest.mark.parametrize("body, kind", [
    ("_store(ctx, 1)", "database"),                      # same module, one call deeper
    ("ctx.once.consume('ns', 'v')", "database"),          # the single-use store
    ("flows.issue_credentials(ctx)", "database"),          # another module, two calls deeper
    ("_fetch(ctx, 'https://x.example')", "Fetcher"),
    ("flows.read_offer(text, ctx.fetcher)", "Fetcher"),   # handing the Fetcher over
    ("hash_password('secret')", "argon2"),
    ("STAFF.authenticate(db, clock, 'n', 'p', 'c')", "argon2"),
    ("flows.sign_it(ctx)", "signing"),
])
def test_the_check_finds_blocking_calls(body: str, kind: str) -> None:
    flows = '''
def issue_credentials(ctx):
    return _lookup(ctx)

def _lookup(ctx):
    return ctx.db.session()

def read_offer(text, fetcher):
    return text

def sign_it(ctx):
    return ctx.signer.sign(b"x")
'''
    route = f"{_HELPERS}\nfrom issuer.flows import demo as flows\n\n" \
            f"async def route(ctx, text, db, clock, STAFF):\n    {body}\n"
    project = Project(sources={"issuer.routes.demo": route, "issuer.flows.demo": flows,
                               "servicekit.accounts": "def hash_password(p):\n"
                                                       "    return _HASHER.hash(p)\n"})
    found = offenders(project, prefixes=("issuer",))
    assert [f.kind for f in found] == [kind], found


@pytest.mark.parametrize("body", [
    "await run_in_threadpool(_store, ctx, 1)",
    "await anyio.to_thread.run_sync(_fetch, ctx, 'u')",
    "return await request.form()",
    "return {'status': 'ok'}",
])
def test_work_handed_to_the_thread_pool_is_fine(body: str) -> None:
    route = f"{_HELPERS}\n\nasync def route(ctx, request):\n    {body}\n"
    project = Project(sources={"issuer.routes.demo": route})
    assert offenders(project, prefixes=("issuer",)) == []
