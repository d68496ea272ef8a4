"""Backup and restore exactly as docs/deployment.md describes, on a running issuer.

A credential is issued (OpenID4VCI, SD-JWT VC with a Token Status List reference), the
database is backed up while the issuer keeps running (SQLite online backup API; PostgreSQL
``pg_dump -Fc``), and the KEK is copied. Then the data is wiped, restored, and the issuer
started again: the credential issued before still verifies against the restored issuer's
did:web document, its status list is still served, and revoking it still works (which needs
the tenant's private key, so the KEK must have been restored too).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.ops._issuer import issue_one, outcome, setup_issuer, verify_live
from tests.ops._live import serving
from tests.pg import fresh_schema

pytestmark = pytest.mark.system  # the services as processes, PostgreSQL

SQLITE_BACKUP = (  # the one-liner of docs/deployment.md, "Backups"
    "import sqlite3, sys; src = sqlite3.connect(sys.argv[1]); dst = sqlite3.connect(sys.argv[2]);"
    " src.backup(dst); dst.close(); src.close()"
)


def _round_trip(tmp: Path, extra: dict[str, str], backup: Any, wipe: Any, restore: Any) -> None:
    s = setup_issuer(tmp, extra)
    with serving("issuer", s.port, s.env) as url:
        issued_id, credential = issue_one(url, s)
        before = verify_live(url, s, credential)
        assert before.verified, before.to_dict()
        assert outcome(before, "status") == "passed"
        backup(tmp / "backup")  # online: the issuer keeps running
        shutil.copy2(s.env["ROTONDE_ISSUER_KEK_FILE"], tmp / "backup" / "issuer.kek")

    wipe()
    shutil.rmtree(tmp / "data")
    Path(s.env["ROTONDE_ISSUER_KEK_FILE"]).unlink()

    (tmp / "data").mkdir()
    restore(tmp / "backup")
    shutil.copy2(tmp / "backup" / "issuer.kek", s.env["ROTONDE_ISSUER_KEK_FILE"])

    with serving("issuer", s.port, s.env) as url:
        after = verify_live(url, s, credential)
        assert after.verified, after.to_dict()
        assert outcome(after, "signature") == "passed" and outcome(after, "status") == "passed"
        with httpx.Client(base_url=url, timeout=30,
                          headers={"Authorization": f"Bearer {s.token}"}) as api:
            got = api.get(f"/api/v1/credentials/{issued_id}")
            assert got.status_code == 200 and got.json()["status"] == "active", got.text
            revoked = api.post(f"/api/v1/credentials/{issued_id}/revoke",
                               json={"reason": "issued in error"})
            assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
        gone = verify_live(url, s, credential)
        assert not gone.verified
        assert outcome(gone, "signature") == "passed" and outcome(gone, "status") == "failed"
        # and new credentials can still be signed with the restored (KEK-encrypted) keys
        _, fresh = issue_one(url, s)
        assert verify_live(url, s, fresh).verified


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
