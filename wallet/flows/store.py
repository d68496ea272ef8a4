"""The learner's credentials and disclosure history, sealed in the account vault.

A credential is stored verbatim (the exact string or JSON document received), beside a sealed
summary: title, issuer, level, the achievement record read back with
:func:`rotonde.learning.read` (when it can be read), the verification report and the status as
of its last check. Rows are written in one transaction: nothing half-stored.

The issuer is the one the signature proved (the report's ``issuer``). A record's awarding body
names it only when the body's ``id`` is that issuer
(:func:`rotonde.learning.describe.awarding_body_proven`): a credential that claims another
school's identifier is shown under its signer's identifier, never under the school's name. Text
is shown without directional formatting characters (:func:`rotonde.text.display_text`).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rotonde.errors import ParseError, RotondeError
from rotonde.learning import elm, ob3, sdjwt_vc
from rotonde.learning.describe import awarding_body_proven
from rotonde.text import display_text
from servicekit.db import rowcount
from wallet.models import CredentialRow, Disclosure
from wallet.vault import Vault

__all__ = [
    "Held",
    "delete_credential",
    "get_credential",
    "list_credentials",
    "list_history",
    "log_disclosure",
    "read_record",
    "store_credential",
    "summarise",
    "update_meta",
]


@dataclass(frozen=True)
class Held:
    """A stored credential, opened."""

    id: str
    format: str
    #: As received: a compact token (SD-JWT, JWT) or a JSON-LD document.
    credential: str | dict[str, Any]
    meta: dict[str, Any]
    received_at: float
    self_asserted: bool

    @property
    def sd_jwt(self) -> str:
        """The SD-JWT text of a ``dc+sd-jwt`` credential; a JSON document is refused with the
        error :func:`rotonde.sdjwt.parse` gives for one."""
        if not isinstance(self.credential, str):
            raise ParseError("sdjwt.malformed", "SD-JWT is not a string",
                             message_nl="SD-JWT is geen tekst")
        return self.credential

    def title(self, lang: str) -> str:
        t = self.meta.get("title") or {}
        if isinstance(t, dict):
            return display_text(str(t.get(lang) or t.get("en") or t.get("nl")
                                    or next(iter(t.values()), "") or self.id))
        return display_text(str(t) or self.id)

    def issuer_name(self, lang: str) -> str:
        """The awarding body's name when the signature proved it, else the proven issuer."""
        proven = (self.meta.get("report") or {}).get("issuer")
        proven = proven if isinstance(proven, str) and proven else None
        record = self.record
        name: Any = None
        if record is not None and awarding_body_proven(record, proven):
            name = record["awarding_body"].get("name")
        if isinstance(name, dict):
            name = (name.get(lang) or name.get("en") or name.get("nl")
                    or next(iter(name.values()), ""))
        return display_text(str(name or proven or ""))

    @property
    def status(self) -> str:
        return str(self.meta.get("status") or "unknown")

    @property
    def trusted(self) -> bool | None:
        """``False`` when the issuer is not on the wallet's trust list (the advisory ``trust``
        check failed), ``True`` when it is, ``None`` without a trust list."""
        value = self.meta.get("trusted")
        return value if isinstance(value, bool) else None

    @property
    def level(self) -> dict[str, Any] | None:
        lvl = self.meta.get("level")
        return lvl if isinstance(lvl, dict) else None

    @property
    def record(self) -> dict[str, Any] | None:
        rec = self.meta.get("record")
        return rec if isinstance(rec, dict) else None


def _where(row_id: str, column: str) -> str:
    return f"credentials:{row_id}:{column}"


def _status_from_report(report: dict[str, Any]) -> str:
    if not report.get("verified", False):
        checks = {c.get("name"): c for c in report.get("checks", [])}
        status = checks.get("status") or {}
        codes = " ".join(p.get("code", "") for p in status.get("problems", []))
        if "revoked" in codes:
            return "revoked"
        if "suspended" in codes:
            return "suspended"
        validity = checks.get("validity") or {}
        if validity.get("outcome") == "failed":
            return "expired"
        return "invalid"
    checks = {c.get("name"): c for c in report.get("checks", [])}
    status = checks.get("status")
    if status is None or status.get("outcome") == "passed":
        return "valid"
    found = {p.get("code") for p in status.get("problems", [])}
    # a credential without any status mechanism cannot be revoked: it is valid as issued
    return "valid" if "status.none" in found else "unknown"


def summarise(credential: str | dict[str, Any], report: dict[str, Any], *, fmt: str,
              extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The sealed summary of a credential (see the module docstring)."""
    claims = report.get("claims") or {}
    record = read_record(credential, claims, fmt)
    title: Any = None
    issuer: dict[str, Any] = {"id": report.get("issuer")}
    level = None
    if record:
        title = record.get("title")
        body = record.get("awarding_body") or {}
        proven = awarding_body_proven(record, report.get("issuer"))
        issuer = {"id": report.get("issuer"), "name": body.get("name") if proven else None}
        level = record.get("level")
    if not title:
        title = claims.get("name") or _vc_name(claims) or claims.get("vct") or fmt
        title = title if isinstance(title, dict) else {"en": str(title), "nl": str(title)}
    trust = next((c for c in report.get("checks", []) if c.get("name") == "trust"), None)
    meta: dict[str, Any] = {
        "trusted": None if trust is None or trust.get("outcome") == "skipped"
        else trust.get("outcome") == "passed",
        "title": title,
        "issuer": issuer,
        "level": level,
        "record": record,
        "report": report,
        "verified": bool(report.get("verified")),
        "status": _status_from_report(report),
        "format": fmt,
    }
    meta.update(extra or {})
    return meta


def read_record(
    credential: str | dict[str, Any], claims: dict[str, Any], fmt: str
) -> dict[str, Any] | None:
    """The achievement record in a credential, or ``None`` when it holds none we can read.

    SD-JWT VC: from the verified claims (all Disclosures merged in); VCDM forms: ELM 3 or
    Open Badges 3.0 (:mod:`rotonde.learning`)."""
    try:
        if fmt == "dc+sd-jwt":
            return sdjwt_vc.read(claims) if claims else None
        doc = credential if isinstance(credential, dict) else claims
        if not isinstance(doc, dict) or not doc:
            return None
        if elm.is_elm(doc):
            return elm.read(doc)
        if ob3.is_ob3(doc):
            return ob3.read(doc)
    except (RotondeError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return None


def _vc_name(claims: dict[str, Any]) -> Any:
    subject = claims.get("credentialSubject")
    if isinstance(subject, dict):
        ach = subject.get("achievement")
        if isinstance(ach, dict) and ach.get("name"):
            return ach["name"]
    return claims.get("name")


def store_credential(
    s: Session, vault: Vault, *, fmt: str, credential: str | dict[str, Any], meta: dict[str, Any],
    received_at: float, self_asserted: bool = False,
) -> str:
    row_id = secrets.token_hex(16)
    raw = credential if isinstance(credential, str) else json.dumps(credential, ensure_ascii=False)
    s.add(CredentialRow(
        id=row_id, account_id=vault.account_id, format=fmt,
        secret=vault.seal(json.dumps({"raw": raw, "json": not isinstance(credential, str)}),
                          _where(row_id, "secret")),
        meta=vault.seal_json(meta, _where(row_id, "meta")),
        self_asserted=self_asserted, received_at=received_at,
    ))
    return row_id


def _open(vault: Vault, row: CredentialRow) -> Held:
    box = json.loads(vault.open(row.secret, _where(row.id, "secret")))
    credential = json.loads(box["raw"]) if box.get("json") else box["raw"]
    meta = vault.open_json(row.meta, _where(row.id, "meta"))
    return Held(row.id, row.format, credential, meta, row.received_at, row.self_asserted)


def list_credentials(s: Session, vault: Vault) -> list[Held]:
    rows = s.scalars(select(CredentialRow).where(CredentialRow.account_id == vault.account_id)
                     .order_by(CredentialRow.received_at.desc())).all()
    return [_open(vault, r) for r in rows]


def get_credential(s: Session, vault: Vault, credential_id: str) -> Held | None:
    row = s.get(CredentialRow, credential_id)
    if row is None or row.account_id != vault.account_id:
        return None
    return _open(vault, row)


def update_meta(s: Session, vault: Vault, credential_id: str, meta: dict[str, Any]) -> None:
    row = s.get(CredentialRow, credential_id)
    if row is not None and row.account_id == vault.account_id:
        row.meta = vault.seal_json(meta, _where(row.id, "meta"))


def delete_credential(s: Session, vault: Vault, credential_id: str) -> bool:
    result = s.execute(delete(CredentialRow).where(
        CredentialRow.id == credential_id, CredentialRow.account_id == vault.account_id))
    return rowcount(result) > 0


def log_disclosure(s: Session, vault: Vault, at: float, entry: dict[str, Any]) -> str:
    """Record one disclosure: ``{"kind", "to", "claims": {credential title: [paths]}, ...}``."""
    row_id = secrets.token_hex(16)
    s.add(Disclosure(id=row_id, account_id=vault.account_id, at=at,
                     data=vault.seal_json(entry, f"disclosures:{row_id}")))
    return row_id


def list_history(s: Session, vault: Vault) -> list[dict[str, Any]]:
    rows = s.scalars(select(Disclosure).where(Disclosure.account_id == vault.account_id)
                     .order_by(Disclosure.at.desc())).all()
    out = []
    for r in rows:
        entry = vault.open_json(r.data, f"disclosures:{r.id}")
        entry["at"] = r.at
        entry["id"] = r.id
        out.append(entry)
    return out
