"""PostgreSQL for tests: the server at 127.0.0.1:5432 (trust auth, database ``test``).

Tests that need it call :func:`require_pg`, which fails in CI and skips elsewhere with a
message saying what to install; each test run uses a fresh schema, dropped afterwards.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import create_engine, text

from tests.conftest import require

__all__ = ["fresh_schema", "pg_url", "require_pg"]


@lru_cache(maxsize=1)
def pg_url() -> str | None:
    """A working SQLAlchemy URL for the local server, or ``None`` when it is not reachable."""
    for user in ("postgres", "root"):
        url = f"postgresql+psycopg://{user}@127.0.0.1:5432/test"
        try:
            engine = create_engine(url, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            return url
        except Exception:
            continue
    return None


def require_pg() -> str:
    sys.audit("tests.postgres", "require_pg")  # a system test (tests/_system.py)
    url = pg_url()
    require(
        url is not None,
        "PostgreSQL at 127.0.0.1:5432 with database 'test' is not reachable "
        "(install postgresql and allow trust auth for local connections)",
    )
    assert url is not None
    return url


@contextmanager
def fresh_schema(prefix: str) -> Iterator[tuple[str, str]]:
    """Yield ``(url, schema)`` for a new, empty schema; drop it afterwards."""
    url = require_pg()
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        yield url, schema
    finally:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
