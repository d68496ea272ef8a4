"""Migration helpers for the ops tests: each service's Alembic directory and version table, and
upgrade/downgrade on a :class:`servicekit.db.Database` through the same connection handling
as :func:`servicekit.db.migrate` (Alembic ``command.upgrade``/``command.downgrade``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import inspect

from servicekit.db import Database, _config

__all__ = ["SERVICES", "downgrade", "migrate_in_process", "table_names", "upgrade"]

ROOT = Path(__file__).resolve().parent.parent.parent

#: service -> (Alembic script location, version table)
SERVICES: dict[str, tuple[Path, str]] = {
    "issuer": (ROOT / "issuer" / "migrations", "alembic_version"),
    "wallet": (ROOT / "wallet" / "migrations", "alembic_version"),
    "verifier": (ROOT / "verifier" / "migrations", "verifier_alembic_version"),
}


def _run(db: Database, service: str, verb: str, target: str) -> None:
    from alembic import command

    location, table = SERVICES[service]
    db.check()
    cfg: Any = _config(location, table)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, verb)(cfg, target)


def upgrade(db: Database, service: str, target: str = "head") -> None:
    _run(db, service, "upgrade", target)


def downgrade(db: Database, service: str, target: str = "base") -> None:
    _run(db, service, "downgrade", target)


def table_names(db: Database) -> set[str]:
    """Tables in the database (in the configured schema for PostgreSQL)."""
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names(schema=db.schema))


def migrate_in_process(service: str, url: str, schema: str | None, barrier: Any,
                       results: Any) -> None:
    """Body of one start-up process for the concurrency test: wait for the others, then run
    :func:`servicekit.db.migrate` as the service's start-up does; report ``ok`` or the error."""
    import alembic.command  # noqa: F401  (imported before the barrier: only migrate is timed)

    from servicekit.db import migrate

    location, table = SERVICES[service]
    db = Database(url, schema=schema)
    try:
        barrier.wait(timeout=60)
        migrate(db, location, version_table=table)
        results.put("ok")
    except Exception as exc:  # reported to the test, which shows it
        results.put(f"{type(exc).__name__}: {exc}"[:500])
    finally:
        db.dispose()
