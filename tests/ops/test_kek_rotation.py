"""KEK rotation exactly as docs/deployment.md §6.1 describes, on SQLite and PostgreSQL.

Issuer, as an operator runs it (CLI and a live server): issue under KEK A; a restart with only
KEK B refuses the old secrets (``secret.wrong_kek``) and ``rekey`` then changes nothing;
with B plus ``KEK_PREVIOUS`` = A the issuer keeps working and ``rekey`` re-seals every secret
(a second run finds nothing left); afterwards B alone opens everything: old credentials can be
revoked (tenant key) and new ones issued.

Wallet and verifier: the same rotation on their sealed columns (account data keys; the
request-signing key, stored presentations and response-encryption keys).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from rotonde.clock import FixedClock
from rotonde.encoding import b64url_encode
from rotonde.errors import ConfigurationError
from servicekit import Database, SecretBox
from servicekit.rekey import SealedColumn
from tests.ops._issuer import issue_one, outcome, setup_issuer, verify_live
from tests.ops._live import rotonde, rotonde_fails, serving
from tests.pg import fresh_schema

pytestmark = pytest.mark.system  # the services and rekey as processes


def _kek() -> str:
    return b64url_encode(secrets.token_bytes(32))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Settings overrides for one database: nothing for SQLite, a fresh schema for PostgreSQL."""
    if request.param == "sqlite":
        yield {}
        return
    with fresh_schema("ops_kek") as (url, schema):
        yield {"database_url": url, "db_schema": schema}


def _all_current(db: Database, box: SecretBox, columns: tuple[SealedColumn, ...]) -> int:
    """How many sealed values there are; fails if one is not under ``box``'s current KEK."""
    seen = 0
    with db.engine.connect() as conn:
        for sealed in columns:
            for value in conn.execute(select(sealed.table.c[sealed.column])).scalars():
                if value is not None:
                    assert box.is_current(value), sealed.name
                    seen += 1
    return seen


# -- issuer, as an operator runs it -------------------------------------------------------------


def test_issuer_kek_rotation(tmp_path: Path, database: dict[str, str]) -> None:
    extra = {f"ROTONDE_ISSUER_{k.upper()}": v for k, v in database.items()}
    s = setup_issuer(tmp_path, extra)
    old_kek = Path(s.env["ROTONDE_ISSUER_KEK_FILE"]).read_text()
    with serving("issuer", s.port, s.env) as url:
        issued_id, credential = issue_one(url, s)

    new_file = tmp_path / "secrets" / "issuer-2.kek"
    new_file.write_text(_kek())
    only_new = {**s.env, "ROTONDE_ISSUER_KEK_FILE": str(new_file)}
    refused = rotonde_fails("issuer", "rekey", env=only_new)
    assert refused.returncode == 1
    assert "secret.wrong_kek" in refused.stderr

    rotating = {**only_new, "ROTONDE_ISSUER_KEK_PREVIOUS": old_kek}
    with serving("issuer", s.port, rotating) as url:  # old secrets open, new ones sealed under B
        _, second = issue_one(url, s)
        assert verify_live(url, s, second).verified
    counts = rotonde("issuer", "rekey", env=rotating)["rekeyed"]
    assert counts["tenant_keys.private_enc"] >= 2  # di and jose keys
    assert counts["issued.record"] >= 1 and counts["offers.code_enc"] >= 1
    assert set(rotonde("issuer", "rekey", env=rotating)["rekeyed"].values()) == {0}

    with serving("issuer", s.port, only_new) as url:  # the old KEK is gone
        with httpx.Client(base_url=url, timeout=30,
                          headers={"Authorization": f"Bearer {s.token}"}) as api:
            revoked = api.post(f"/api/v1/credentials/{issued_id}/revoke",
                               json={"reason": "issued in error"})
            assert revoked.status_code == 200, revoked.text
        gone = verify_live(url, s, credential)
        assert outcome(gone, "signature") == "passed" and outcome(gone, "status") == "failed"
        _, third = issue_one(url, s)
        assert verify_live(url, s, third).verified


# -- wallet ------------------------------------------------------------------------------------


def test_wallet_kek_rotation(tmp_path: Path, database: dict[str, str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    from wallet.flows.accounts import all_holder_keys, create_account, vault_for
    from wallet.flows.rekey import SEALED, rekey_wallet
    from wallet.settings import load_settings

    old, new = _kek(), _kek()
    monkeypatch.delenv("ROTONDE_WALLET_KEK_PREVIOUS", raising=False)
    settings = load_settings({}, data_dir=tmp_path, dev=True, kek=old, **database)
    rekey_wallet(settings)  # creates the schema; nothing sealed yet
    db = Database(settings.effective_database_url, schema=settings.db_schema)
    try:
        with db.session() as s:
            accounts = [create_account(s, SecretBox(_raw(old)), FixedClock(1.8e9), name,
                                       "correct horse battery") for name in ("ada", "bram", "cees")]
        rotated = settings.replace(kek=new)
        with pytest.raises(ConfigurationError) as wrong:
            rekey_wallet(rotated)
        assert wrong.value.code == "secret.wrong_kek"

        monkeypatch.setenv("ROTONDE_WALLET_KEK_PREVIOUS", old)
        monkeypatch.setattr("servicekit.rekey.BATCH", 2)  # more rows than one batch
        assert rekey_wallet(rotated) == {"accounts.data_key": 3}
        assert rekey_wallet(rotated) == {"accounts.data_key": 0}
        monkeypatch.delenv("ROTONDE_WALLET_KEK_PREVIOUS")

        box = SecretBox(_raw(new))
        assert _all_current(db, box, SEALED) == 3
        with db.session() as s:  # the data keys open, and with them the holder keys
            for account in accounts:
                assert len(all_holder_keys(s, vault_for(s, box, account))) == 2
    finally:
        db.dispose()


def _raw(kek: str) -> bytes:
    from rotonde.encoding import b64url_decode

    return b64url_decode(kek)


def test_wallet_rekey_command(tmp_path: Path) -> None:
    env = {"ROTONDE_WALLET_DATA_DIR": str(tmp_path), "ROTONDE_WALLET_KEK": _kek()}
    assert rotonde("wallet", "rekey", "--dev", env=env) == {"rekeyed": {"accounts.data_key": 0}}


# -- verifier ----------------------------------------------------------------------------------


def test_verifier_kek_rotation(tmp_path: Path, database: dict[str, str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    from verifier.app import create_app
    from verifier.flows.rekey import SEALED, rekey_verifier
    from verifier.models import VerificationSession
    from verifier.settings import load_settings

    old, new = _kek(), _kek()
    monkeypatch.delenv("ROTONDE_VERIFIER_KEK_PREVIOUS", raising=False)
    settings = load_settings({}, data_dir=tmp_path, dev=True, kek=old, **database)
    create_app(settings)  # creates and seals the request-signing key
    db = Database(settings.effective_database_url, schema=settings.db_schema)
    try:
        box_old = SecretBox(_raw(old))
        with db.session() as s:  # a finished session: its presentation and decryption key
            s.add(VerificationSession(
                id="sess-1", kind="request", status="completed", created_at=1.8e9,
                expires_at=1.8e9 + 600, enc_kid="enc-1",
                enc_key=box_old.encrypt_text(json.dumps({"kty": "EC"}), aad="enc-1"),
                raw=box_old.encrypt_text(json.dumps(["vp"]), aad="sess-1"),
            ))
        rotated = settings.replace(kek=new)
        with pytest.raises(ConfigurationError) as wrong:
            create_app(rotated)  # the signing key is sealed under the old KEK
        assert wrong.value.code == "secret.wrong_kek"

        monkeypatch.setenv("ROTONDE_VERIFIER_KEK_PREVIOUS", old)
        assert rekey_verifier(rotated) == {
            "verifier_keys.private_jwk": 1, "verifier_sessions.raw": 1,
            "verifier_sessions.enc_key": 1,
        }
        assert set(rekey_verifier(rotated).values()) == {0}
        monkeypatch.delenv("ROTONDE_VERIFIER_KEK_PREVIOUS")

        box = SecretBox(_raw(new))
        assert _all_current(db, box, SEALED) == 3
        assert json.loads(box.decrypt_text(_one(db, VerificationSession.raw), aad="sess-1")) == ["vp"]
        create_app(rotated)  # starts with the new KEK alone
    finally:
        db.dispose()


def _one(db: Database, column: Any) -> str:
    with db.engine.connect() as conn:
        value = conn.execute(select(column)).scalar_one()
    assert isinstance(value, str)
    return value

