"""Encrypted backups: export, restore into another account (and present from it), and every
way a restore must fail cleanly (wrong passphrase, tampered file, not a backup)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from rotonde.errors import ValidationError
from rotonde.learning import sdjwt_vc
from tests.wallet.wallet_helpers import Learner, text_of
from tests.wallet.wallet_peers import MiniIssuer, VerifierPeer
from wallet.flows.backup import restore_backup
from wallet.models import CredentialRow, HolderKey

PASSPHRASE = "paarse fiets op de rotonde"


def _export(person: Learner, passphrase: str = PASSPHRASE) -> bytes:
    r = person.client.post("/backup/export", data={"csrf": person.csrf("/backup"),
                                                   "passphrase": passphrase})
    assert r.status_code == 200, text_of(r.text)
    assert "attachment" in r.headers["content-disposition"]
    return r.content


def _import(person: Learner, data: bytes, passphrase: str = PASSPHRASE) -> object:
    return person.client.post("/backup/import",
                              data={"csrf": person.csrf("/backup"), "passphrase": passphrase},
                              files={"file": ("backup.json", data, "application/json")})


def _counts(client: TestClient) -> tuple[int, int]:
    db = client.app.state.wallet.db  # type: ignore[attr-defined]
    with db.session() as s:
        return (int(s.scalar(select(func.count()).select_from(CredentialRow)) or 0),
                int(s.scalar(select(func.count()).select_from(HolderKey)) or 0))


@pytest.fixture
def backup(learner: Learner, issuer: MiniIssuer) -> bytes:
    learner.receive(issuer.new_offer(), issuer.pin)
    data = _export(learner)
    env = json.loads(data)
    assert env["type"] == "rotonde-wallet-backup" and env["version"] == 1
    assert env["kdf"]["name"] == "scrypt" and env["cipher"] == "A256GCM"
    assert b"Lassen" not in data and b"Anouk" not in data
    learner.client.post("/logout", data={"csrf": learner.csrf("/")})
    learner.signup("tweede-account")
    return data


def test_restore_into_another_account_and_present(learner: Learner, backup: bytes,
                                                  verifier: VerifierPeer) -> None:
    r = _import(learner, backup)
    assert r.status_code == 200  # type: ignore[attr-defined]
    assert "1" in text_of(r.text)  # type: ignore[attr-defined]
    # both accounts: 1 + 1 credentials; 2 + 2 own keys + 2 restored
    assert _counts(learner.client) == (2, 6)
    assert "Lassen MIG/MAG basis" in text_of(learner.client.get("/").text)
    req = verifier.request(vct=sdjwt_vc.vct_for("microcredential"))
    done = learner.share_all_checked(learner.consent(req["invocation_uri"]))
    assert done.status_code == 200, text_of(done.text)
    assert verifier.session(req["id"])["verdict"] == "accepted"


def test_wrong_passphrase_restores_nothing(learner: Learner, backup: bytes) -> None:
    r = _import(learner, backup, "not the passphrase at all")
    assert r.status_code == 422  # type: ignore[attr-defined]
    page = text_of(r.text)  # type: ignore[attr-defined]
    assert "wachtzin klopt niet" in page or "passphrase is wrong" in page
    assert _counts(learner.client) == (1, 4)  # only the first account's


@pytest.mark.parametrize("field", ["ciphertext", "nonce", "salt", "created", "n"])
def test_tampered_backup_restores_nothing(learner: Learner, backup: bytes, field: str) -> None:
    env = json.loads(backup)
    if field == "ciphertext":
        ct = env["ciphertext"]
        env["ciphertext"] = ct[:40] + ("A" if ct[40] != "A" else "B") + ct[41:]
    elif field == "nonce":
        env["nonce"] = "A" * 16
    elif field == "salt":
        env["kdf"]["salt"] = "B" * 22
    elif field == "created":
        env["created"] = "2020-01-01T00:00:00Z"
    else:
        env["kdf"]["n"] = 2**14
    r = _import(learner, json.dumps(env).encode())
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert 'role="alert"' in r.text  # type: ignore[attr-defined]
    assert _counts(learner.client) == (1, 4)


def test_not_a_backup(learner: Learner) -> None:
    for data in (b"hello", b"{}", json.dumps({"type": "rotonde-wallet-backup",
                                               "version": 9}).encode(),
                 json.dumps({"type": "rotonde-wallet-backup", "version": 1,
                             "kdf": {"name": "scrypt", "n": 2**30, "r": 8, "p": 1,
                                     "salt": "AAAAAAAAAAAAAAAAAAAAAA"},
                             "cipher": "A256GCM", "nonce": "AAAAAAAAAAAAAAAA",
                             "ciphertext": "A" * 40}).encode()):
        r = _import(learner, data)
        assert r.status_code == 422, data  # type: ignore[attr-defined]
    r = learner.client.post("/backup/import", data={"csrf": learner.csrf("/backup"),
                                                    "passphrase": "x"})
    assert r.status_code == 422
    assert _counts(learner.client) == (0, 2)


def test_short_passphrase_is_refused(learner: Learner) -> None:
    r = learner.client.post("/backup/export", data={"csrf": learner.csrf("/backup"),
                                                    "passphrase": "short"})
    assert r.status_code == 422 and "12" in text_of(r.text)


def test_restore_twice_does_not_duplicate_keys(learner: Learner, backup: bytes) -> None:
    _import(learner, backup)
    _import(learner, backup)
    assert _counts(learner.client)[1] == 6


@given(st.binary(max_size=400))
def test_restore_random_bytes_only_raises_validation_errors(data: bytes) -> None:
    try:
        restore_backup(None, None, data, passphrase="x" * 12)  # type: ignore[arg-type]
    except ValidationError:
        pass
    else:  # pragma: no cover - random bytes are never a valid backup
        raise AssertionError("random bytes restored")


def test_restore_form_has_no_secrets_in_page(learner: Learner) -> None:
    page = learner.client.get("/backup").text
    assert re.search(r'name="passphrase" type="password"', page)
