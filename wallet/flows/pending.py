"""Pending steps (an offer awaiting the PIN, a request awaiting consent), sealed and short-lived.

A flow row is read by id only for its own account and only before it expires; finishing a flow
deletes it in the same transaction as what it produced, so a step cannot be completed twice.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from wallet.models import Flow
from wallet.vault import Vault

__all__ = ["FLOW_TTL", "drop_flow", "load_flow", "start_flow", "update_flow"]

FLOW_TTL = 900.0


def start_flow(s: Session, vault: Vault, kind: str, data: dict[str, Any], now: float,
               ttl: float = FLOW_TTL) -> str:
    flow_id = secrets.token_urlsafe(18)
    s.execute(delete(Flow).where(Flow.account_id == vault.account_id, Flow.expires_at < now))
    s.add(Flow(id=flow_id, account_id=vault.account_id, kind=kind, expires_at=now + ttl,
               data=vault.seal_json(data, f"flows:{flow_id}:{kind}")))
    return flow_id


def load_flow(s: Session, vault: Vault, flow_id: str, kind: str, now: float) -> dict[str, Any] | None:
    if not flow_id or len(flow_id) > 64:
        return None
    row = s.get(Flow, flow_id)
    if row is None or row.account_id != vault.account_id or row.kind != kind or (
            row.expires_at <= now):
        return None
    data: dict[str, Any] = vault.open_json(row.data, f"flows:{flow_id}:{kind}")
    return data


def update_flow(s: Session, vault: Vault, flow_id: str, kind: str, data: dict[str, Any]) -> None:
    row = s.get(Flow, flow_id)
    if row is not None and row.account_id == vault.account_id and row.kind == kind:
        row.data = vault.seal_json(data, f"flows:{flow_id}:{kind}")


def drop_flow(s: Session, vault: Vault, flow_id: str) -> None:
    s.execute(delete(Flow).where(Flow.id == flow_id, Flow.account_id == vault.account_id))
