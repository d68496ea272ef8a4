"""servicekit: settings validation, secret box, single-use store, migrations, problems,
security middlewares."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel
from sqlalchemy import text

from issuer.context import MIGRATIONS
from rotonde.clock import FixedClock
from rotonde.encoding import b64url_encode
from rotonde.errors import ConfigurationError, ParseError, RotondeError, ValidationError
from servicekit import (
    Database,
    HttpProblem,
    OAuthError,
    OneTimeStore,
    SecretBox,
    ServiceSettings,
    base_app,
    load_kek,
    migrate,
    settings_from_env,
)
from servicekit.replay import metadata as replay_metadata


def test_settings_refuse_unsafe_defaults_outside_dev(tmp_path: Path) -> None:
    base = ServiceSettings(data_dir=tmp_path)
    with pytest.raises(ConfigurationError) as err:
        base.validate()
    assert err.value.code == "config.invalid_public_url"
    ServiceSettings(data_dir=tmp_path, dev=True).validate()
    ServiceSettings(data_dir=tmp_path, public_url="https://issuer.example").validate()
    for bad in ({"public_url": "ftp://x"}, {"port": 0}, {"database_url": "mysql://x"},
                {"max_body_bytes": 10}, {"db_schema": "x; drop"}):
        with pytest.raises(ConfigurationError):
            ServiceSettings(data_dir=tmp_path, dev=True, **bad).validate()  # type: ignore[arg-type]
    s = settings_from_env(ServiceSettings, "X_", {"X_DEV": "true", "X_PORT": "9000",
                                                   "X_DATA_DIR": str(tmp_path)})
    assert s.dev and s.port == 9000 and s.data_dir == tmp_path
    assert s.effective_database_url.endswith("service.sqlite3")
    with pytest.raises(ConfigurationError):
        settings_from_env(ServiceSettings, "X_", {"X_DEV": "maybe"})
    with pytest.raises(ConfigurationError):
        settings_from_env(ServiceSettings, "X_", {"X_PORT": "eighty"})


def test_unwritable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigurationError) as err:
        ServiceSettings(data_dir=blocker / "sub", dev=True).ensure_data_dir()
    assert err.value.code == "config.data_dir_unwritable"


def test_secret_box_round_trip_and_tamper(tmp_path: Path) -> None:
    box = SecretBox(os.urandom(32))
    blob = box.encrypt(b"private key", aad=b"row-1")
    assert box.decrypt(blob, aad=b"row-1") == b"private key"
    with pytest.raises(RotondeError) as err:
        box.decrypt(blob, aad=b"row-2")
    assert err.value.code == "secret.tampered"
    with pytest.raises(ConfigurationError) as err2:
        SecretBox(os.urandom(32)).decrypt(blob, aad=b"row-1")
    assert err2.value.code == "secret.wrong_kek"
    with pytest.raises(ParseError):
        box.decrypt(b"short")
    assert box.decrypt_text(box.encrypt_text("tekst", aad="a"), aad="a") == "tekst"


@given(st.binary(max_size=200), st.binary(max_size=40))
def test_secret_box_never_decrypts_garbage(data: bytes, aad: bytes) -> None:
    box = SecretBox(b"k" * 32)
    with pytest.raises(RotondeError):
        box.decrypt(data, aad=aad)


def test_load_kek_sources(tmp_path: Path) -> None:
    kek = os.urandom(32)
    assert load_kek("P_", dev=False, data_dir=tmp_path, environ={"P_KEK": b64url_encode(kek)}) == kek
    f = tmp_path / "secret"
    f.write_text(b64url_encode(kek) + "\n")
    assert load_kek("P_", dev=False, data_dir=tmp_path, environ={"P_KEK_FILE": str(f)}) == kek
    with pytest.raises(ConfigurationError) as err:
        load_kek("P_", dev=False, data_dir=tmp_path, environ={})
    assert err.value.code == "config.kek_missing"
    with pytest.raises(ConfigurationError):
        load_kek("P_", dev=False, data_dir=tmp_path, environ={"P_KEK": "c2hvcnQ"})
    generated = load_kek("P_", dev=True, data_dir=tmp_path, environ={})
    assert load_kek("P_", dev=True, data_dir=tmp_path, environ={}) == generated
    assert (tmp_path / "kek").stat().st_mode & 0o077 == 0


def _store(tmp_path: Path, clock: Any = None) -> OneTimeStore:
    db = Database(f"sqlite:///{tmp_path / 'once.sqlite3'}")
    replay_metadata.create_all(db.engine)
    return OneTimeStore(db, clock=clock)


def test_one_time_values_are_single_use_and_expire(tmp_path: Path) -> None:
    clock = FixedClock(1000.0)
    store = _store(tmp_path, clock)
    store.issue("code", "abc", ttl=60, data={"x": 1})
    with pytest.raises(RotondeError):
        store.issue("code", "abc", ttl=60)
    assert store.peek("code", "abc") == {"x": 1}
    assert store.consume("other", "abc") is None
    redeemed = store.consume("code", "abc")
    assert redeemed is not None and redeemed.data == {"x": 1}
    assert store.consume("code", "abc") is None
    store.issue("code", "late", ttl=10)
    expired = OneTimeStore(store.db, clock=FixedClock(1011.0))
    assert expired.consume("code", "late") is None
    assert expired.purge_expired() == 1  # "late" (expired at 1010); "abc" lives to 1060
    assert store.remember("jti", "j1", ttl=60) and not store.remember("jti", "j1", ttl=60)
    store.issue("pin", "p", ttl=60)
    assert [store.count_attempt("pin", "p", limit=3) for _ in range(3)] == [1, 2, 3]
    assert store.consume("pin", "p") is None  # burnt at the limit


def test_concurrent_consumers_only_one_wins(tmp_path: Path) -> None:
    store = _store(tmp_path)
    for i in range(20):
        store.issue("code", f"v{i}", ttl=60)
    wins: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        for i in range(20):
            if store.consume("code", f"v{i}") is not None:
                with lock:
                    wins.append(f"v{i}")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == sorted(f"v{i}" for i in range(20))


def test_migrate_refuses_a_newer_schema_and_unreachable_db(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    head = migrate(db, MIGRATIONS)
    assert head is not None
    assert migrate(db, MIGRATIONS) == head  # idempotent
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    with pytest.raises(ConfigurationError) as err:
        migrate(db, MIGRATIONS)
    assert err.value.code == "db.schema_newer"
    gone = Database("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(ConfigurationError) as err2:
        migrate(gone, MIGRATIONS)
    assert err2.value.code == "db.unreachable" and "nobody" not in err2.value.message


class _Item(BaseModel):
    name: str
    count: int


def _app(tmp_path: Path, **kw: Any) -> FastAPI:
    app = base_app(ServiceSettings(data_dir=tmp_path, dev=True, max_body_bytes=2048, **kw),
                   title="t")

    @app.post("/items")
    def items(item: _Item) -> dict[str, Any]:
        return item.model_dump()

    @app.get("/fail/{kind}")
    def fail(kind: str) -> dict[str, str]:
        if kind == "validation":
            raise ValidationError("thing.bad", "bad", message_nl="fout", pointer="/a")
        if kind == "http":
            raise HttpProblem(409, "thing.conflict", "conflict")
        if kind == "oauth":
            raise OAuthError("invalid_grant", "nope")
        raise RuntimeError("secret internals")

    @app.get("/cached")
    def cached() -> Any:
        from fastapi.responses import JSONResponse

        return JSONResponse({}, headers={"Cache-Control": "public, max-age=60"})

    return app


def test_problem_responses_and_headers(tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path, hsts=True), raise_server_exceptions=False)
    r = client.post("/items", json={"name": 1})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    pointers = {e["pointer"] for e in r.json()["errors"]}
    assert pointers == {"/name", "/count"}
    r = client.get("/fail/validation")
    assert r.status_code == 422 and r.json()["errors"][0] == {
        "pointer": "/a", "code": "thing.bad", "message": "bad", "message_nl": "fout"}
    assert client.get("/fail/http").json()["code"] == "thing.conflict"
    assert client.get("/fail/oauth").json() == {"error": "invalid_grant",
                                                "error_description": "nope"}
    r = client.get("/fail/boom")
    assert r.status_code == 500 and "secret" not in r.text
    assert client.get("/nowhere").json()["code"] == "http.404"
    r = client.get("/fail/http")
    assert r.headers["strict-transport-security"].startswith("max-age=")
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/cached").headers["cache-control"] == "public, max-age=60"
    r = client.post("/items", content=b"x" * 4096, headers={"content-type": "application/json"})
    assert r.status_code == 413
    r = client.post("/items", content=b"{}", headers={"content-length": "nope",
                                                      "content-type": "application/json"})
    assert r.status_code == 400


@given(st.dictionaries(st.text(max_size=5), st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=3), c, max_size=3),
    max_leaves=10), max_size=4))
def test_any_json_body_gets_json_answer(body: dict[str, Any]) -> None:
    client = TestClient(_TEST_APP, raise_server_exceptions=False)
    r = client.post("/items", json=body)
    assert r.status_code in (200, 422)
    r.json()


_TEST_APP = _app(Path("/nonexistent-never-written"))
