"""Every service's migrations, on SQLite and on a fresh PostgreSQL schema: upgrade to head from
empty, downgrade to base (nothing left but the version table), upgrade again; the models match
the migrated schema; a database at a revision newer than the code is refused at start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, text

from rotonde.errors import ConfigurationError
from servicekit.db import Database, current_revisions
from tests.ops._migrations import SERVICES, downgrade, table_names, upgrade
from tests.pg import fresh_schema

BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.system))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """``(database_url, schema)`` for an empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'ops.sqlite3').as_posix()}", None
        return
    with fresh_schema("ops_mig") as (url, schema):
        yield url, schema


def _metadata(service: str) -> MetaData:
    """The service's models plus the shared single-use table (:mod:`servicekit.replay`),
    which every service's first migration creates."""
    from servicekit.replay import one_time_table

    if service == "issuer":
        from issuer.models import metadata as own
    elif service == "wallet":
        from wallet.models import Base as WalletBase

        own = WalletBase.metadata
    else:
        from verifier.models import Base as VerifierBase

        own = VerifierBase.metadata
    combined = MetaData()
    for table in own.tables.values():
        table.to_metadata(combined)
    if one_time_table.name not in combined.tables:
        one_time_table.to_metadata(combined)
    return combined


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_upgrade_downgrade_upgrade(service: str, backend: tuple[str, str | None]) -> None:
    url, schema = backend
    version_table = SERVICES[service][1]
    db = Database(url, schema=schema)
    try:
        db.check()
        assert table_names(db) == set()
        upgrade(db, service)
        model_tables = set(_metadata(service).tables)
        assert table_names(db) == model_tables | {version_table}
        head = current_revisions(db, version_table=version_table)
        assert len(head) == 1

        downgrade(db, service)
        assert table_names(db) == {version_table}, "downgrade to base left tables behind"
        assert current_revisions(db, version_table=version_table) == ()

        upgrade(db, service)
        assert table_names(db) == model_tables | {version_table}
        assert current_revisions(db, version_table=version_table) == head
    finally:
        db.dispose()


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_models_match_the_migrated_schema(service: str, backend: tuple[str, str | None]) -> None:
    """Alembic's autogenerate finds nothing to add or drop: no model change lacks a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    url, schema = backend
    db = Database(url, schema=schema)
    try:
        upgrade(db, service)
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn, opts={"version_table": SERVICES[service][1], "compare_type": False})
            diff = compare_metadata(ctx, _metadata(service))
        structural = [d for d in diff if isinstance(d, tuple)
                      and d[0] in ("add_table", "remove_table", "add_column", "remove_column")]
        assert structural == []
    finally:
        db.dispose()


def _start(service: str, tmp_path: Path, url: str, schema: str | None) -> Any:
    if service == "issuer":
        from issuer.app import create_app as issuer_app
        from issuer.settings import IssuerSettings

        return issuer_app(IssuerSettings(dev=True, data_dir=tmp_path, database_url=url,
                                         db_schema=schema), run_worker=False)
    if service == "wallet":
        from wallet.app import create_app as wallet_app
        from wallet.settings import WalletSettings

        return wallet_app(WalletSettings(dev=True, data_dir=tmp_path, database_url=url,
                                         db_schema=schema))
    from verifier.app import create_app as verifier_app
    from verifier.settings import VerifierSettings

    return verifier_app(VerifierSettings(dev=True, data_dir=tmp_path, database_url=url,
                                         db_schema=schema))


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_start_refuses_a_schema_newer_than_the_code(
    service: str, backend: tuple[str, str | None], tmp_path: Path
) -> None:
    url, schema = backend
    version_table = SERVICES[service][1]
    app = _start(service, tmp_path, url, schema)  # a normal start migrates to head
    assert app is not None
    db = Database(url, schema=schema)
    try:
        assert len(current_revisions(db, version_table=version_table)) == 1
        with db.engine.begin() as conn:
            conn.execute(text(f"UPDATE {version_table} SET version_num = 'f00dfeed9999'"))
        with pytest.raises(ConfigurationError) as err:
            _start(service, tmp_path, url, schema)
        assert err.value.code == "db.schema_newer"
        assert "f00dfeed9999" in err.value.message and "newer than this version" in \
            err.value.message
        assert "nieuwer" in err.value.problems[0].message_nl
        # nothing was changed by the refused start
        assert current_revisions(db, version_table=version_table) == ("f00dfeed9999",)
    finally:
        db.dispose()


@pytest.mark.system  # three start-up processes (multiprocessing "spawn")
@pytest.mark.parametrize("service", ["issuer", "verifier"])
def test_processes_starting_together_migrate_once(
    service: str, backend: tuple[str, str | None]
) -> None:
    """Several processes starting at once on an empty database (a scaled-out deployment after
    an upgrade): one applies the migrations, the others wait and find the schema current."""
    import multiprocessing

    from tests.ops._migrations import migrate_in_process

    url, schema = backend
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(3), spawn.Queue()
    procs = [spawn.Process(target=migrate_in_process, args=(service, url, schema, barrier,
                                                            results)) for _ in range(3)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert outcomes == ["ok", "ok", "ok"]
    db = Database(url, schema=schema)
    try:
        assert len(current_revisions(db, version_table=SERVICES[service][1])) == 1
        assert table_names(db) == set(_metadata(service).tables) | {SERVICES[service][1]}
    finally:
        db.dispose()


@pytest.mark.system
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_serve_command_refuses_a_newer_schema(service: str, tmp_path: Path) -> None:
    """``rotonde <service> serve`` ends with one clear line and exit status 1."""
    import subprocess
    import sys

    from tests.ops._live import ROOT, free_port

    version_table = SERVICES[service][1]
    url = f"sqlite:///{(tmp_path / f'{service}.sqlite3').as_posix()}"
    db = Database(url)
    try:
        upgrade(db, service)
        with db.engine.begin() as conn:
            conn.execute(text(f"UPDATE {version_table} SET version_num = 'f00dfeed9999'"))
    finally:
        db.dispose()
    prefix = f"ROTONDE_{service.upper()}_"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), prefix + "DEV": "1",
           prefix + "DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "rotonde.cli", service, "serve", "--port",
                           str(free_port())], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=90, check=False)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "db.schema_newer" in done.stderr and "f00dfeed9999" in done.stderr
    assert "Traceback" not in done.stderr
