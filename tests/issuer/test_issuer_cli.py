"""``rotonde issuer ...``: operator commands and clear start-up failures (exit 1, one line,
no stack trace)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from rotonde.cli import main
from servicekit import Database
from tests.issuer._support import TEMPLATE, free_port

pytestmark = pytest.mark.system  # the serve command on real ports, rotonde as a subprocess


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    try:
        return code, json.loads(out), err
    except json.JSONDecodeError:
        return code, out, err


def test_operator_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = ["--data-dir", str(tmp_path), "--dev"]
    code, tenant, _ = run(capsys, "issuer", "tenant", "add", *d, "--slug", "roc-cli",
                          "--name-nl", "ROC CLI", "--brin", "25LX")
    assert code == 0 and tenant["did"].endswith(":tenants:roc-cli")
    code, _, err = run(capsys, "issuer", "tenant", "add", *d, "--slug", "roc-cli",
                       "--name-nl", "again")
    assert code == 1 and "tenant.exists" in err
    code, _, err = run(capsys, "issuer", "tenant", "add", *d, "--slug", "Bad Slug",
                       "--name-nl", "x", "--kvk", "12")
    assert code == 1 and "/slug" in err and "/kvk" in err
    code, key, _ = run(capsys, "issuer", "apikey", "new", *d, "--tenant", "roc-cli",
                       "--scopes", "issue,credentials:read")
    assert code == 0 and key["token"].startswith("rtk_") and key["scopes"] == [
        "credentials:read", "issue"]
    tpl = tmp_path / "ach.json"
    tpl.write_text(json.dumps(TEMPLATE))
    code, ach, _ = run(capsys, "issuer", "achievement", "add", *d, "--tenant", "roc-cli",
                       str(tpl))
    assert code == 0
    code, offer, _ = run(capsys, "issuer", "offer", *d, "--tenant", "roc-cli", "--achievement",
                         ach["id"], "--learner", "Sanne de Vries", "--learner-ref", "s-1")
    assert code == 0
    assert offer["offer_uri"].startswith("openid-credential-offer://?credential_offer_uri=")
    assert len(offer["tx_code"]) == 6 and offer["offer_page"].endswith(offer["id"])
    code, _, err = run(capsys, "issuer", "offer", *d, "--tenant", "nope", "--achievement", "x",
                       "--learner", "y")
    assert code == 1 and "tenant.not_found" in err
    code, _, _ = run(capsys, "issuer", "tenant", "rotate-key", *d, "--tenant", "roc-cli",
                     "--purpose", "di")
    assert code == 0


def test_serve_port_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        code, _, err = run(capsys, "issuer", "serve", "--data-dir", str(tmp_path), "--dev",
                           "--port", str(port))
    assert code == 1 and "config.port_unavailable" in err and "in use" in err


def test_serve_unwritable_data_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "issuer", "serve", "--data-dir", str(blocker / "d"), "--dev",
                       "--port", str(free_port()))
    assert code == 1 and "config.data_dir_unwritable" in err


def test_serve_unreachable_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "issuer", "serve", "--data-dir", str(tmp_path), "--dev",
                       "--port", str(free_port()), "--database-url",
                       "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert code == 1 and "db.unreachable" in err


def test_serve_refuses_newer_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = ["--data-dir", str(tmp_path), "--dev"]
    run(capsys, "issuer", "tenant", "add", *d, "--slug", "x", "--name-nl", "X")
    db = Database(f"sqlite:///{tmp_path / 'issuer.sqlite3'}")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.dispose()
    code, _, err = run(capsys, "issuer", "serve", *d, "--port", str(free_port()))
    assert code == 1 and "db.schema_newer" in err


def test_serve_outside_dev_needs_https_and_kek(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("ROTONDE_ISSUER_KEK", "ROTONDE_ISSUER_KEK_FILE", "ROTONDE_ISSUER_DEV"):
        monkeypatch.delenv(var, raising=False)
    code, _, err = run(capsys, "issuer", "serve", "--data-dir", str(tmp_path), "--port", str(free_port()))
    assert code == 1 and "config.invalid_public_url" in err
    code, _, err = run(capsys, "issuer", "serve", "--data-dir", str(tmp_path), "--port", str(free_port()),
                       "--public-url", "https://issuer.example")
    assert code == 1 and "config.kek_missing" in err


def test_serve_runs_and_stops(tmp_path: Path) -> None:
    """The real ``rotonde issuer serve`` process answers and shuts down cleanly on SIGINT."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rotonde.cli", "issuer", "serve", "--data-dir", str(tmp_path),
         "--dev", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "issuer did not start"
                time.sleep(0.1)
        assert r.json() == {"status": "ok"}
        assert (tmp_path / "issuer.sqlite3").exists() and (tmp_path / "kek").exists()
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
