"""Single-use values (nonces, pre-authorized codes, share tokens) enforced across workers.

The database is the arbiter, so any number of worker processes agree:

* :meth:`OneTimeStore.issue` inserts a row keyed by ``(namespace, sha256(value))``; the primary
  key makes a second insert of the same value fail (``replay.duplicate``).
* :meth:`OneTimeStore.consume` marks it used with one conditional ``UPDATE ... WHERE used_at IS
  NULL AND expires_at > now``; only the worker whose UPDATE changes a row wins. Consuming an
  unknown, expired or already-used value returns ``None``.
* :meth:`OneTimeStore.remember` records a value seen once (e.g. a proof JWT ``jti``) and tells
  whether it was seen before — insert-unique again. :meth:`OneTimeStore.seen` only looks
  (a verification's ``replay`` check); recording then happens with :meth:`OneTimeStore.issue`
  in the transaction that stores the verdict, whose unique key still decides a race.

Values are stored hashed (SHA-256), never in clear. Each service includes :data:`one_time_table`
in its migrations with :func:`create_table` (Alembic ``op``) or ``metadata.create_all``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import SchemaItem

from rotonde.clock import Clock, SystemClock
from rotonde.errors import RotondeError
from servicekit.db import Database, rowcount

__all__ = ["OneTimeStore", "Redeemed", "TableOps", "create_table", "metadata", "one_time_table"]

metadata = MetaData()

one_time_table = Table(
    "rotonde_one_time",
    metadata,
    Column("namespace", String(64), primary_key=True),
    Column("token_hash", String(64), primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
    Column("used_at", Float, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("data", Text, nullable=True),
)


class TableOps(Protocol):
    """What :func:`create_table` needs of Alembic's ``op`` (the module satisfies it)."""

    def create_table(self, table_name: str, *columns: SchemaItem, **kw: Any) -> Table: ...


def create_table(op: TableOps) -> None:
    """Create :data:`one_time_table` from an Alembic migration (``op`` is ``alembic.op``)."""
    op.create_table(
        "rotonde_one_time",
        Column("namespace", String(64), primary_key=True),
        Column("token_hash", String(64), primary_key=True),
        Column("created_at", Float, nullable=False),
        Column("expires_at", Float, nullable=False, index=True),
        Column("used_at", Float, nullable=True),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("data", Text, nullable=True),
    )


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Redeemed:
    """A consumed value and the JSON data stored with it."""

    namespace: str
    data: Any


class OneTimeStore:
    """Single-use values with expiry, stored (hashed) in the service database."""

    def __init__(self, db: Database, *, clock: Clock | None = None) -> None:
        self.db = db
        self.clock: Clock = clock or SystemClock()

    def issue(
        self, namespace: str, value: str, *, ttl: float, data: Any = None,
        conn: Connection | None = None,
    ) -> None:
        """Record ``value`` as valid for ``ttl`` seconds; raises ``replay.duplicate`` if known.

        With ``conn`` (an open SQLAlchemy connection) the insert joins that transaction, so a
        code is only valid if everything it belongs to was committed too.
        """
        now = self.clock.now()
        stmt = insert(one_time_table).values(
            namespace=namespace,
            token_hash=_hash(value),
            created_at=now,
            expires_at=now + ttl,
            used_at=None,
            attempts=0,
            data=None if data is None else json.dumps(data),
        )
        try:
            if conn is not None:
                with conn.begin_nested():
                    conn.execute(stmt)
                return
            with self.db.session() as s:
                s.execute(stmt)
        except IntegrityError:
            raise RotondeError(
                "replay.duplicate",
                "value was already issued",
                message_nl="waarde is al eerder uitgegeven",
            ) from None

    def consume(
        self, namespace: str, value: str, *, check: Callable[[Any], bool] | None = None
    ) -> Redeemed | None:
        """Use ``value`` once. ``None`` when unknown, expired, already used, or ``check(data)``
        (evaluated before the conditional UPDATE) returns False."""
        now = self.clock.now()
        key = and_(
            one_time_table.c.namespace == namespace,
            one_time_table.c.token_hash == _hash(value),
        )
        with self.db.session() as s:
            row = s.execute(select(one_time_table.c.data).where(key)).first()
            if row is None:
                return None
            data = None if row.data is None else json.loads(row.data)
            if check is not None and not check(data):
                return None
            result = s.execute(
                update(one_time_table)
                .where(key, one_time_table.c.used_at.is_(None), one_time_table.c.expires_at > now)
                .values(used_at=now)
            )
            if rowcount(result) != 1:
                return None
        return Redeemed(namespace, data)

    def peek(self, namespace: str, value: str) -> Any:
        """The data of a valid (unused, unexpired) value, without consuming it; else ``None``."""
        now = self.clock.now()
        with self.db.session() as s:
            row = s.execute(
                select(one_time_table.c.data).where(
                    one_time_table.c.namespace == namespace,
                    one_time_table.c.token_hash == _hash(value),
                    one_time_table.c.used_at.is_(None),
                    one_time_table.c.expires_at > now,
                )
            ).first()
        if row is None:
            return None
        return {} if row.data is None else json.loads(row.data)

    def count_attempt(self, namespace: str, value: str, *, limit: int) -> int:
        """Atomically add one failed attempt; at ``limit`` the value is burnt (marked used).
        Returns the number of attempts so far (0 if the value is unknown)."""
        now = self.clock.now()
        key = and_(
            one_time_table.c.namespace == namespace,
            one_time_table.c.token_hash == _hash(value),
        )
        with self.db.session() as s:
            s.execute(
                update(one_time_table)
                .where(key)
                .values(attempts=one_time_table.c.attempts + 1)
            )
            s.execute(
                update(one_time_table)
                .where(key, one_time_table.c.attempts >= limit, one_time_table.c.used_at.is_(None))
                .values(used_at=now)
            )
            row = s.execute(select(one_time_table.c.attempts).where(key)).first()
        return 0 if row is None else int(row.attempts)

    def remember(self, namespace: str, value: str, *, ttl: float) -> bool:
        """Record ``value`` as seen; True the first time, False if it was seen before."""
        try:
            self.issue(namespace, value, ttl=ttl)
        except RotondeError:
            return False
        return True

    def seen(self, namespace: str, value: str) -> bool:
        """Was ``value`` recorded (issued or remembered) and not purged yet? Expired or used
        rows count: :meth:`issue` would refuse the value as well."""
        with self.db.session() as s:
            row = s.execute(select(one_time_table.c.created_at).where(
                one_time_table.c.namespace == namespace,
                one_time_table.c.token_hash == _hash(value),
            )).first()
        return row is not None

    def purge_expired(self, *, grace: float = 0.0) -> int:
        """Delete rows that expired more than ``grace`` seconds ago; returns how many."""
        cutoff = self.clock.now() - grace
        with self.db.session() as s:
            result = s.execute(delete(one_time_table).where(one_time_table.c.expires_at < cutoff))
            return rowcount(result)
