"""``uvicorn --workers 2`` on a fresh database: both workers of every service start (their
start-up migrations are serialised by :func:`servicekit.db.migrate`'s lock instead of racing
to create the same tables), and both serve."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import httpx
import pytest

from rotonde.encoding import b64url_encode
from tests.pg import fresh_schema
from tests.resilience._procs import start_service

PROBE = {"issuer": "/healthz", "wallet": "/login", "verifier": "/healthz"}


def _both_workers_up(service: str, settings: dict[str, str], tmp: Path) -> None:
    proc = start_service(service, settings, log_dir=tmp, workers=2, log_level="info")
    try:
        deadline = time.monotonic() + 60
        while proc.output().count("Application startup complete") < 2:
            assert "Traceback" not in proc.output(), proc.output()
            assert time.monotonic() < deadline, proc.output()
            time.sleep(0.1)
        for _ in range(6):
            assert httpx.get(proc.url + PROBE[service], timeout=30).status_code == 200
        log = proc.output()
        assert "Traceback" not in log and "died" not in log, log
    finally:
        proc.stop()


@pytest.mark.parametrize("service", ["issuer", "wallet", "verifier"])
def test_two_workers_start_on_a_fresh_sqlite_database(service: str, tmp_path: Path) -> None:
    _both_workers_up(service, {"dev": "1", "data_dir": str(tmp_path / "data"),
                               "kek": b64url_encode(secrets.token_bytes(32))}, tmp_path)


@pytest.mark.postgres
@pytest.mark.parametrize("service", ["issuer", "wallet", "verifier"])
def test_two_workers_start_on_a_fresh_postgres_schema(service: str, tmp_path: Path) -> None:
    with fresh_schema(f"rotonde_res_w2_{service}") as (url, schema):
        _both_workers_up(service, {"dev": "1", "data_dir": str(tmp_path / "data"),
                                   "kek": b64url_encode(secrets.token_bytes(32)),
                                   "database_url": url, "db_schema": schema}, tmp_path)


@pytest.mark.parametrize("service", ["issuer", "wallet", "verifier"])
def test_two_dev_workers_without_a_kek_agree_on_one(service: str, tmp_path: Path) -> None:
    """Development mode generates ``<data_dir>/kek`` on first start; two workers starting
    together must end up with the same one (or one of them could not read the other's data)."""
    data = tmp_path / "data"
    _both_workers_up(service, {"dev": "1", "data_dir": str(data)}, tmp_path)
    assert (data / "kek").is_file()
    assert [p.name for p in data.iterdir() if p.name.startswith(".kek-")] == []
