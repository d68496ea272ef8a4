"""Database plumbing: SQLAlchemy 2 engines for SQLite and PostgreSQL, and Alembic on start-up.

* :func:`create_engine_for` — SQLite gets WAL, foreign keys and a busy timeout (several
  workers can share one file); PostgreSQL uses psycopg 3 (``postgresql+psycopg://``) and may be
  pinned to one schema (``search_path``), which the tests use for a fresh schema per run.
* :class:`Database` — engine + session factory; ``with db.session() as s:`` commits on success
  and rolls back on any exception, so nothing half-written survives (docs/architecture.md §5).
* :func:`migrate` — applies a service's Alembic migrations up to head. It refuses to start
  when the database carries a revision this code does not know (a schema newer than the code)
  and reports an unreachable database clearly. A service's ``migrations/env.py`` only needs
  ``from servicekit.db import run_env; run_env(target_metadata)``.
* :func:`open_database` — a service's database from its settings, migrated (what every
  ``create_app`` and every operator command opens).
* :func:`rowcount` — the rows an UPDATE or DELETE run through a :class:`Session` matched.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    CursorResult,
    Engine,
    MetaData,
    Result,
    create_engine,
    event,
    text,
)
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from rotonde.errors import ConfigurationError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine.interfaces import DBAPIConnection
    from sqlalchemy.pool import ConnectionPoolEntry

    from servicekit.settings import ServiceSettings

__all__ = [
    "Database", "create_engine_for", "current_revisions", "migrate", "open_database", "rowcount",
    "run_env",
]

log = logging.getLogger("servicekit")


def create_engine_for(url: str, *, schema: str | None = None, echo: bool = False) -> Engine:
    """An engine with Rotonde's connection settings for SQLite or PostgreSQL."""
    if url.startswith("postgresql:"):
        url = "postgresql+psycopg:" + url[len("postgresql:") :]
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cur = dbapi_conn.cursor()
            if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    connect_args: dict[str, Any] = {"connect_timeout": 10}
    if schema:
        connect_args["options"] = f"-csearch_path={schema}"
    return create_engine(
        url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20,
        connect_args=connect_args,
    )


def _unreachable(url: str, exc: Exception) -> ConfigurationError:
    safe = url.split("@")[-1] if "@" in url else url
    lines = str(getattr(exc, "orig", exc)).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    return ConfigurationError(
        "db.unreachable",
        f"cannot connect to the database ({safe}): {reason}",
        message_nl=f"kan geen verbinding maken met de database ({safe}): {reason}",
    )


class Database:
    """An engine and a session factory."""

    def __init__(self, url: str, *, schema: str | None = None, echo: bool = False) -> None:
        if schema is not None and not (schema.replace("_", "").isalnum() and schema.isascii()):
            raise ConfigurationError(
                "db.invalid_schema", "schema names are ASCII letters, digits and underscores",
                message_nl="schemanamen bestaan uit ASCII-letters, cijfers en underscores",
            )
        self.url = url
        self.schema = schema
        self.engine = create_engine_for(url, schema=schema, echo=echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def check(self) -> None:
        """Connect once (creating the PostgreSQL schema if one is configured)."""
        try:
            with self.engine.begin() as conn:
                if self.schema and self.dialect == "postgresql":
                    conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
                conn.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError) as exc:
            raise _unreachable(self.url, exc) from None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: commit on success, roll back on any exception."""
        with self._sessions() as s, s.begin():
            yield s

    def dispose(self) -> None:
        self.engine.dispose()


def rowcount(result: Result[Any]) -> int:
    """The number of rows the UPDATE or DELETE that gave ``result`` matched.

    :meth:`Session.execute` is typed as returning a plain :class:`Result`; for these statements
    it is a :class:`CursorResult`, which carries the count. Anything else is a programming error.
    """
    if not isinstance(result, CursorResult):
        raise TypeError(f"no row count on {type(result).__name__} (not an UPDATE or DELETE)")
    return result.rowcount


def _config(script_location: Path, version_table: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["version_table"] = version_table
    return cfg


def current_revisions(db: Database, *, version_table: str = "alembic_version") -> tuple[str, ...]:
    """The revisions recorded in the database (empty for a fresh database)."""
    from alembic.runtime.migration import MigrationContext

    try:
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": version_table})
            return tuple(ctx.get_current_heads())
    except (OperationalError, DBAPIError) as exc:
        raise _unreachable(db.url, exc) from None


def migrate(
    db: Database, script_location: Path, *, version_table: str = "alembic_version"
) -> str | None:
    """Apply all migrations in ``script_location`` (an Alembic directory) and return the head.

    Raises :class:`ConfigurationError` ``db.schema_newer`` if the database is at a revision
    unknown to this code, and ``db.unreachable`` if it cannot be reached.
    """
    with _migration_lock(db, version_table):
        return _migrate(db, script_location, version_table)


def open_database(
    settings: ServiceSettings, migrations: Path, *, version_table: str = "alembic_version",
) -> Database:
    """The service's database (``settings.effective_database_url``), migrated to this code's
    schema. The data directory is created (and checked writable) when it holds the database
    or, in development mode, the generated KEK."""
    if not settings.database_url or settings.dev:
        settings.ensure_data_dir()
    db = Database(settings.effective_database_url, schema=settings.db_schema)
    try:
        migrate(db, migrations, version_table=version_table)
    except BaseException:
        db.dispose()
        raise
    return db


@contextmanager
def _migration_lock(db: Database, version_table: str) -> Iterator[None]:
    """Serialise start-up migrations of several workers (``uvicorn --workers N``) or processes
    on one database: a PostgreSQL advisory lock keyed by schema and version table, or an
    exclusive file lock next to the SQLite file. Without it, concurrent workers race to
    create the same tables and all but one die at start-up."""
    if db.dialect == "postgresql":
        digest = hashlib.sha256(f"{db.schema}:{version_table}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        try:
            conn = db.engine.connect()
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            conn.commit()
        except (OperationalError, DBAPIError) as exc:
            raise _unreachable(db.url, exc) from None
        try:
            yield
        finally:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
            finally:
                conn.close()
        return
    path = db.engine.url.database if db.dialect == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:"):
        yield
        return
    import fcntl

    try:
        fh = open(path + ".migrate-lock", "a+b")  # noqa: SIM115 (closed below)
    except OSError:  # no writable directory: the database open reports it clearly
        fh = None
    if fh is None:
        yield
        return
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _migration_failed(exc: Exception) -> ConfigurationError:
    reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
    return ConfigurationError(
        "db.migration_failed",
        f"applying the database migrations failed: {reason}",
        message_nl=f"het toepassen van de databasemigraties is mislukt: {reason}",
    )


def _migrate(db: Database, script_location: Path, version_table: str) -> str | None:
    from alembic import command
    from alembic.script import ScriptDirectory

    db.check()
    cfg = _config(script_location, version_table)
    script = ScriptDirectory.from_config(cfg)
    known = {rev.revision for rev in script.walk_revisions()}
    for rev in current_revisions(db, version_table=version_table):
        if rev not in known:
            raise ConfigurationError(
                "db.schema_newer",
                f"the database schema (revision {rev}) is newer than this version of the code; "
                "upgrade the software before starting it",
                message_nl=f"het databaseschema (revisie {rev}) is nieuwer dan deze versie van de "
                "code; werk de software bij voordat u die start",
            )
    try:
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        if getattr(exc, "connection_invalidated", False) or "connect" in str(exc.orig).lower():
            raise _unreachable(db.url, exc) from None
        raise _migration_failed(exc) from None
    except DBAPIError as exc:
        raise _migration_failed(exc) from None
    head = script.get_current_head()
    log.info("database at revision %s", head)
    return head


def run_env(target_metadata: MetaData | None) -> None:
    """Body of a service's ``migrations/env.py``: run online migrations on the connection
    :func:`migrate` passes in (``config.attributes['connection']``)."""
    from alembic import context

    config = context.config
    connection = config.attributes.get("connection")
    version_table = config.attributes.get("version_table", "alembic_version")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise ConfigurationError(
                "db.no_connection", "no connection or sqlalchemy.url for migrations"
            )
        engine = create_engine_for(url)
        with engine.begin() as conn:
            _run(conn, target_metadata, version_table)
        return
    _run(connection, target_metadata, version_table)


def _run(connection: Connection, metadata: MetaData | None, version_table: str) -> None:
    from alembic import context

    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=version_table,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
