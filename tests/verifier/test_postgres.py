"""The verifier on PostgreSQL (127.0.0.1:5432, database ``test``), each run in a fresh schema:
migrations, sessions shared by two app instances (two "workers"), single-use answers."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import require
from tests.verifier._support import make_app, request_params, wallet_answer

pytestmark = pytest.mark.postgres

URL = os.environ.get("ROTONDE_TEST_POSTGRES_URL",
                     "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _reachable() -> bool:
    try:
        import psycopg

        dsn = URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, connect_timeout=3):
            return True
    except Exception:
        return False


def test_two_workers_share_sessions_on_postgres(tmp_path: Path, issuer: Any, holder: Any) -> None:
    require(_reachable(), f"PostgreSQL not reachable at {URL}")
    schema = "verifier_" + secrets.token_hex(6)
    kw = {"database_url": URL, "db_schema": schema}
    try:
        a = TestClient(make_app(tmp_path / "a", **kw))
        b = TestClient(make_app(tmp_path / "b", **kw))  # same database: migrations are idempotent
        # both workers sign with the same stored key
        assert a.get("/.well-known/did.json").json() == b.get("/.well-known/did.json").json()
        created = a.post("/api/requests", json={"template": "level", "min_level": 3}).json()
        p = request_params(created["invocation_uri"])
        from rotonde.jws import parse_compact

        req = parse_compact(b.get(p["request_uri"].split("8003", 1)[1]).text).claims()
        vp = wallet_answer(issuer.credential(holder), holder, nonce=req["nonce"], aud=req["client_id"])
        form = {"vp_token": vp, "state": req["state"]}
        assert b.post("/oid4vp/response", data=form).status_code == 200
        assert a.post("/oid4vp/response", data=form).status_code == 400  # single use across workers
        assert a.get(f"/api/requests/{created['id']}").json()["verdict"] == "accepted"
    finally:
        import psycopg

        with psycopg.connect(URL.replace("postgresql+psycopg://", "postgresql://"),
                             autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
