"""Backup and restore exactly as docs/deployment.md describes, on a running issuer.

A credential is issued (OpenID4VCI, SD-JWT VC with a Token Status List reference), the
database is backed up while the issuer keeps running (SQLite online backup API; PostgreSQL
``pg_dump -Fc``), and the KEK is copied. Then the data is wiped, restored, and the issuer
started again: the credential issued before still verifies against the restored issuer's
did:web document, its status list is still served, and revoking it still works (which needs
the tenant's private key, so the KEK must have been restored too).
"""

from __future__ import annotations

import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from rotonde.did import Resolver
from rotonde.encoding import b64url_encode
from rotonde.verify import VerifyOptions, verify
from tests.issuer._support import template, wallet
from tests.ops._live import free_port, rotonde, serving
from tests.pg import fresh_schema

SQLITE_BACKUP = (  # the one-liner of docs/deployment.md, "Backups"
    "import sqlite3, sys; src = sqlite3.connect(sys.argv[1]); dst = sqlite3.connect(sys.argv[2]);"
    " src.backup(dst); dst.close(); src.close()"
)


@dataclass
class Setup:
    env: dict[str, str]
    port: int
    slug: str
    did: str
    token: str


def _setup(tmp: Path, extra: dict[str, str]) -> Setup:
    kek_file = tmp / "secrets" / "issuer.kek"
    kek_file.parent.mkdir()
    kek_file.write_text(b64url_encode(secrets.token_bytes(32)))
    kek_file.chmod(0o600)
    port = free_port()
    env = {"ROTONDE_ISSUER_DEV": "1", "ROTONDE_ISSUER_DATA_DIR": str(tmp / "data"),
           "ROTONDE_ISSUER_KEK_FILE": str(kek_file),
           "ROTONDE_ISSUER_PUBLIC_URL": f"http://127.0.0.1:{port}", **extra}
    tenant = rotonde("issuer", "tenant", "add", "--slug", "roc-zuid", "--name-nl", "ROC Zuid",
                     "--name-en", "ROC South", env=env)
    key = rotonde("issuer", "apikey", "new", "--tenant", "roc-zuid", env=env)
    return Setup(env, port, "roc-zuid", tenant["did"], key["token"])


def _issue(url: str, s: Setup) -> tuple[str, str]:
    """Issue and redeem one SD-JWT VC; ``(issued id, compact SD-JWT VC)``."""
    issuer = f"{url}/tenants/{s.slug}"
    auth = {"Authorization": f"Bearer {s.token}"}
    with httpx.Client(base_url=url, headers=auth, timeout=30) as api:
        ach = api.post("/api/v1/achievements", json=template())
        assert ach.status_code == 201, ach.text
        issued = api.post("/api/v1/credentials", json={
            "achievement_id": ach.json()["id"], "learner": {"name": "Fatima el Amrani"}})
        assert issued.status_code == 201, issued.text
    body = issued.json()
    w = wallet()
    with w.http:
        offer = w.fetch_offer(body["offer"]["offer_uri"])
        meta = w.metadata(issuer)
        access = w.token(issuer, offer.pre_authorized_code, body["offer"]["tx_code"])
        assert access.status_code == 200, access.text
        proof = w.proof(issuer, w.nonce(meta))
        r = w.credential(meta, access.json()["access_token"], "microcredential_sd_jwt", [proof])
        assert r.status_code == 200, r.text
    return body["id"], r.json()["credentials"][0]["credential"]


def _verify(url: str, s: Setup, credential: str) -> Any:
    """Verify against what the (restored) issuer serves: its did:web document and its list."""
    with httpx.Client(timeout=30) as http:
        doc = http.get(f"{url}/tenants/{s.slug}/did.json")
        assert doc.status_code == 200, doc.text

        def status(uri: str) -> str:
            r = http.get(uri)
            assert r.status_code == 200, r.text
            return r.text

        return verify(credential, VerifyOptions(
            resolver=Resolver(documents={s.did: doc.json()}), status_resolver=status))


def _check(report: Any, name: str) -> str:
    return str(next(c.outcome for c in report.checks if c.name == name))


def _round_trip(tmp: Path, extra: dict[str, str], backup: Any, wipe: Any, restore: Any) -> None:
    s = _setup(tmp, extra)
    with serving("issuer", s.port, s.env) as url:
        issued_id, credential = _issue(url, s)
        before = _verify(url, s, credential)
        assert before.verified, before.to_dict()
        assert _check(before, "status") == "passed"
        backup(tmp / "backup")  # online: the issuer keeps running
        shutil.copy2(s.env["ROTONDE_ISSUER_KEK_FILE"], tmp / "backup" / "issuer.kek")

    wipe()
    shutil.rmtree(tmp / "data")
    Path(s.env["ROTONDE_ISSUER_KEK_FILE"]).unlink()

    (tmp / "data").mkdir()
    restore(tmp / "backup")
    shutil.copy2(tmp / "backup" / "issuer.kek", s.env["ROTONDE_ISSUER_KEK_FILE"])

    with serving("issuer", s.port, s.env) as url:
        after = _verify(url, s, credential)
        assert after.verified, after.to_dict()
        assert _check(after, "signature") == "passed" and _check(after, "status") == "passed"
        with httpx.Client(base_url=url, timeout=30,
                          headers={"Authorization": f"Bearer {s.token}"}) as api:
            got = api.get(f"/api/v1/credentials/{issued_id}")
            assert got.status_code == 200 and got.json()["status"] == "active", got.text
            revoked = api.post(f"/api/v1/credentials/{issued_id}/revoke",
                               json={"reason": "issued in error"})
            assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
        gone = _verify(url, s, credential)
        assert not gone.verified
        assert _check(gone, "signature") == "passed" and _check(gone, "status") == "failed"
        # and new credentials can still be signed with the restored (KEK-encrypted) keys
        _, fresh = _issue(url, s)
        assert _verify(url, s, fresh).verified


def test_sqlite_backup_restore(tmp_path: Path) -> None:
    db_file = tmp_path / "data" / "issuer.sqlite3"

    def backup(to: Path) -> None:
        to.mkdir()
        subprocess.run(["python3", "-c", SQLITE_BACKUP, str(db_file), str(to / "issuer.sqlite3")],
                       check=True, timeout=60)
        with sqlite3.connect(to / "issuer.sqlite3") as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    def restore(frm: Path) -> None:
        shutil.copy2(frm / "issuer.sqlite3", db_file)

    _round_trip(tmp_path, {}, backup, lambda: None, restore)


@pytest.fixture
def pg_schema() -> Iterator[tuple[str, str]]:
    with fresh_schema("ops_bak") as found:
        yield found


def test_postgresql_backup_restore(tmp_path: Path, pg_schema: tuple[str, str]) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore not installed (docs/deployment.md describes them)")
    url, schema = pg_schema
    libpq = "postgresql://" + url.split("://", 1)[1]

    def backup(to: Path) -> None:
        to.mkdir()
        subprocess.run(["pg_dump", "--format=custom", f"--schema={schema}",
                        f"--file={to / 'issuer.dump'}", libpq], check=True, timeout=120)

    def wipe() -> None:
        subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-c",
                        f'DROP SCHEMA "{schema}" CASCADE', libpq], check=True, timeout=60,
                       capture_output=True)

    def restore(frm: Path) -> None:
        subprocess.run(["pg_restore", "--exit-on-error", f"--dbname={libpq}",
                        str(frm / "issuer.dump")], check=True, timeout=120)

    _round_trip(tmp_path, {"ROTONDE_ISSUER_DATABASE_URL": url,
                           "ROTONDE_ISSUER_DB_SCHEMA": schema}, backup, wipe, restore)
