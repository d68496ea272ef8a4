"""Re-sealing stored secrets under a new key-encryption key (KEK rotation).

Rotation without downtime:

1. generate a new KEK (32 random bytes, unpadded base64url; docs/deployment.md §6.1);
2. restart every process with ``<PREFIX>KEK`` = the new KEK and ``<PREFIX>KEK_PREVIOUS`` = the
   old one: new secrets are sealed under the new KEK, old ones still open;
3. run ``rotonde <service> rekey``: every sealed value still under an old KEK is decrypted and
   encrypted again under the new one, all in one transaction (a crash leaves everything as it
   was, and running it again finishes the job);
4. remove ``<PREFIX>KEK_PREVIOUS`` and restart.

Each service lists its sealed columns as :class:`SealedColumn` (table, column, and the
associated data the value was sealed with, derived from its row).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, and_, select, update

from servicekit.crypto import SecretBox
from servicekit.db import Database

__all__ = ["BATCH", "SealedColumn", "rekey", "rekey_database"]

#: Rows read at a time (a table of learner records may be large).
BATCH = 500


@dataclass(frozen=True)
class SealedColumn:
    """A column of :meth:`SecretBox.encrypt_text` values; ``aad`` gives a row's associated
    data from the row's columns."""

    table: Table
    column: str
    aad: Callable[[Mapping[Any, Any]], str]

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column}"


def rekey(
    db: Database,
    box: SecretBox,
    columns: Sequence[SealedColumn],
    *,
    record: Callable[[Connection, dict[str, int]], None] | None = None,
) -> dict[str, int]:
    """Re-seal every value of ``columns`` that is not under ``box``'s current KEK.

    One transaction for everything; returns the number of values re-sealed per column. A
    value no known KEK opens raises the :class:`SecretBox` error and changes nothing.
    ``record`` is called inside the transaction with the counts (an audit entry).
    """
    counts: dict[str, int] = {}
    with db.engine.begin() as conn:
        for sealed in columns:
            table, column = sealed.table, sealed.table.c[sealed.column]
            keys = list(table.primary_key.columns)
            query = select(table).where(column.is_not(None)).order_by(*keys).limit(BATCH)
            done = offset = 0
            while True:  # in batches: updates keep keys and order, so offsets stay valid
                rows = conn.execute(query.offset(offset)).mappings().all()
                for row in rows:
                    value = row[sealed.column]
                    if box.is_current(value):
                        continue
                    new = box.reseal_text(value, aad=sealed.aad(row))
                    match = and_(*(k == row[k.name] for k in keys))
                    conn.execute(update(table).where(match).values({sealed.column: new}))
                    done += 1
                if len(rows) < BATCH:
                    break
                offset += BATCH
            counts[sealed.name] = done
        if record is not None:
            record(conn, counts)
    return counts


def rekey_database(db: Database, box: SecretBox, columns: Sequence[SealedColumn]) -> dict[str, int]:
    """:func:`rekey` on a database an operator command opened for it, disposed afterwards."""
    try:
        return rekey(db, box, columns)
    finally:
        db.dispose()
