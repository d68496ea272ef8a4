"""The issuer's sealed columns, for KEK rotation (:mod:`servicekit.rekey`).

``rotonde issuer rekey`` re-seals them under the current ``ROTONDE_ISSUER_KEK``; the values
still under a KEK named in ``ROTONDE_ISSUER_KEK_PREVIOUS`` are the ones it changes.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection

from issuer import models
from issuer.context import IssuerContext
from issuer.flows.batch import job_item_aad
from issuer.flows.issuing import offer_aad, record_aad
from issuer.flows.tenants import tenant_key_aad
from issuer.flows.webhooks import webhook_secret_aad
from servicekit.rekey import SealedColumn, rekey

__all__ = ["SEALED", "rekey_issuer"]

#: Every column the issuer encrypts under its KEK, with the associated data of each row.
SEALED = (
    SealedColumn(models.tenant_keys, "private_enc",
                 lambda row: tenant_key_aad(row["tenant_id"], row["fragment"])),
    SealedColumn(models.issued, "record", lambda row: record_aad(row["id"])),
    SealedColumn(models.offers, "code_enc", lambda row: offer_aad(row["id"])),
    SealedColumn(models.job_items, "payload", lambda row: job_item_aad(row["job_id"], row["seq"])),
    SealedColumn(models.tenants, "webhook_secret_enc", lambda row: webhook_secret_aad(row["id"])),
)


def rekey_issuer(ctx: IssuerContext, *, actor: str = "cli") -> dict[str, int]:
    """Re-seal every issuer secret not under the current KEK; counts per column."""
    def record(conn: Connection, counts: dict[str, int]) -> None:
        ctx.audit(conn, tenant_id=None, actor=actor, action="kek.rekey",
                  reason=json.dumps(counts, sort_keys=True))

    return rekey(ctx.db, ctx.box, SEALED, record=record)
