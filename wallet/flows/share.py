"""Holder-initiated shares (``docs/share-protocol.md``): a one-time ``share_id`` and ``nonce``,
presentations bound to ``aud = "rotonde:share:" + share_id``, an envelope served once at
``<wallet>/share/<share_id>`` until it expires (default 10 minutes) or is withdrawn, and — when
the envelope is under 2 KB and fits in one QR code (version 40-M) — a compact ``rotonde-share:``
QR code carrying it by value.

Only the SHA-256 of ``share_id`` is stored; the envelope is sealed in the owner's vault.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rotonde.clock import Clock, format_datetime
from rotonde.encoding import b64url_encode
from rotonde.errors import ValidationError
from rotonde.keys import PrivateKey
from rotonde.qr import MAX_QR_TEXT
from servicekit.crypto import SecretBox
from servicekit.db import rowcount
from wallet.flows.present import build_presentation_for
from wallet.flows.store import Held
from wallet.models import Share
from wallet.vault import Vault

__all__ = [
    "COMPACT_LIMIT",
    "SHARE_PREFIX",
    "ShareCreated",
    "create_share",
    "fetch_share",
    "list_shares",
    "share_key",
    "withdraw_share",
]

SHARE_PREFIX = "rotonde-share:"
AUDIENCE_PREFIX = "rotonde:share:"
COMPACT_LIMIT = 2000


def share_key(share_id: str) -> str:
    return hashlib.sha256(share_id.encode()).hexdigest()


@dataclass(frozen=True)
class ShareCreated:
    share_id: str
    url: str
    compact: str | None
    expires_at: float
    envelope: dict[str, Any]


def create_share(
    s: Session, vault: Vault, *, held: Held, paths: list[tuple[str, ...]],
    keys: dict[str, PrivateKey], clock: Clock, ttl: float, base_url: str, label: str = "",
) -> ShareCreated:
    share_id = secrets.token_urlsafe(16)
    nonce = secrets.token_urlsafe(16)
    now = clock.now()
    expires = now + ttl
    presentation = build_presentation_for(
        held, paths=paths, keys=keys, nonce=nonce, audience=AUDIENCE_PREFIX + share_id,
        clock=clock)
    envelope: dict[str, Any] = {
        "type": "rotonde-share", "version": 1, "share_id": share_id, "nonce": nonce,
        "expires_at": format_datetime(expires), "presentations": [presentation],
    }
    if label:
        envelope["label"] = label[:100]
    text = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)
    compact: str | None = SHARE_PREFIX + b64url_encode(text.encode())
    if len(text) >= COMPACT_LIMIT or len(compact or "") > MAX_QR_TEXT:
        compact = None
    key = share_key(share_id)
    s.add(Share(id=key, account_id=vault.account_id, created_at=now, expires_at=expires,
                withdrawn=False, fetched_at=None,
                data=vault.seal_json({"envelope": envelope, "title": held.title("nl"),
                                      "title_en": held.title("en"), "credential": held.id,
                                      "claims": [".".join(p) for p in paths], "label": label},
                                     f"shares:{key}")))
    return ShareCreated(share_id, f"{base_url}/share/{share_id}", compact, expires, envelope)


def fetch_share(s: Session, box: SecretBox, share_id: str, now: float) -> tuple[
        int, dict[str, Any] | None, str | None, dict[str, Any] | None]:
    """Serve a share once: ``(status, envelope, account_id, sealed data)``; 404 unknown, 410
    expired, withdrawn or already fetched. The first fetch marks it used (conditional UPDATE,
    so two concurrent fetches cannot both win)."""
    from wallet.flows.accounts import vault_for

    if not 16 <= len(share_id) <= 64:
        return 404, None, None, None
    key = share_key(share_id)
    row = s.get(Share, key)
    if row is None:
        return 404, None, None, None
    if row.withdrawn or row.expires_at <= now or row.fetched_at is not None:
        return 410, None, row.account_id, None
    result = s.execute(update(Share).where(Share.id == key, Share.fetched_at.is_(None))
                       .values(fetched_at=now))
    if rowcount(result) != 1:
        return 410, None, row.account_id, None
    vault = vault_for(s, box, row.account_id)
    data = vault.open_json(row.data, f"shares:{key}")
    return 200, data["envelope"], row.account_id, data


def withdraw_share(s: Session, vault: Vault, key: str) -> bool:
    result = s.execute(update(Share).where(Share.id == key, Share.account_id == vault.account_id)
                       .values(withdrawn=True))
    return rowcount(result) > 0


def list_shares(s: Session, vault: Vault, now: float) -> list[dict[str, Any]]:
    rows = s.scalars(select(Share).where(Share.account_id == vault.account_id)
                     .order_by(Share.created_at.desc())).all()
    out = []
    for r in rows:
        data = vault.open_json(r.data, f"shares:{r.id}")
        state = ("withdrawn" if r.withdrawn else "used" if r.fetched_at else
                 "expired" if r.expires_at <= now else "active")
        out.append({"key": r.id, "created_at": r.created_at, "expires_at": r.expires_at,
                    "state": state, "title": data.get("title"), "title_en": data.get("title_en"),
                    "claims": data.get("claims", [])})
    return out


def check_paths(held: Held, chosen: list[str]) -> list[tuple[str, ...]]:
    """The learner's ticked claims, limited to what the credential can disclose."""
    if held.format != "dc+sd-jwt":
        return []
    from rotonde.sdjwt import disclosable_paths

    allowed = set(disclosable_paths(held.sd_jwt))
    bad = [c for c in chosen if c not in allowed]
    if bad:
        raise ValidationError("share.claim_unknown", "a chosen claim is not in the credential",
                              message_nl="een gekozen gegeven staat niet in het bewijs")
    return [tuple(c.split(".")) for c in chosen]
