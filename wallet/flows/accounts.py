"""Learner accounts: login, sessions and throttling (:mod:`servicekit.accounts`) over the
wallet's tables, plus what only the wallet has.

* Each account has a data key wrapped by the server KEK (:mod:`wallet.vault`).
* Each account gets two holder keys at sign-up: P-256 (SD-JWT key binding, did:jwk) and Ed25519
  (Data Integrity presentations), sealed in the account vault.
"""

from __future__ import annotations

import json
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rotonde.clock import Clock
from rotonde.errors import PolicyError, ValidationError
from rotonde.keys import PrivateKey, generate, private_key_from_jwk
from servicekit.accounts import AccountModels, Accounts, SessionInfo, check_new, hash_password
from servicekit.crypto import SecretBox
from wallet.models import Account, HolderKey, LoginFailure, WebSession
from wallet.vault import Vault, new_data_key, unwrap_data_key

__all__ = [
    "SessionInfo",
    "add_holder_key",
    "all_holder_keys",
    "authenticate",
    "create_account",
    "create_session",
    "delete_account",
    "end_session",
    "holder_keys",
    "load_session",
    "remember_device",
    "signed_in",
    "signed_out",
    "vault_for",
]

_ACCOUNTS = Accounts(AccountModels(account=Account, session=WebSession, failure=LoginFailure))
authenticate = _ACCOUNTS.authenticate
remember_device = _ACCOUNTS.remember_device
create_session = _ACCOUNTS.create_session
load_session = _ACCOUNTS.load_session
signed_in = _ACCOUNTS.signed_in
signed_out = _ACCOUNTS.signed_out
end_session = _ACCOUNTS.end_session


def create_account(s: Session, box: SecretBox, clock: Clock, username: str, password: str) -> str:
    """Create an account with its data key and holder keys; returns the account id."""
    name = check_new(username, password)
    if s.scalar(select(Account.id).where(Account.username == name)) is not None:
        raise ValidationError(
            "account.username_taken",
            "this name is already in use",
            message_nl="deze naam is al in gebruik",
            pointer="/username",
        )
    account_id = secrets.token_hex(16)
    key, wrapped = new_data_key(box, account_id)
    s.add(Account(id=account_id, username=name, password_hash=hash_password(password),
                  data_key=wrapped, created_at=clock.now()))
    s.flush()
    vault = Vault(account_id, key)
    for alg in ("ES256", "EdDSA"):
        add_holder_key(s, vault, generate(alg))
    return account_id


def add_holder_key(s: Session, vault: Vault, key: PrivateKey, *, imported: bool = False) -> str:
    key_id = secrets.token_hex(16)
    sealed = json.dumps({"jwk": key.to_jwk(), "imported": imported})
    s.add(HolderKey(id=key_id, account_id=vault.account_id, alg=key.alg,
                    secret=vault.seal(sealed, f"holder_keys:{key_id}")))
    return key_id


def all_holder_keys(s: Session, vault: Vault) -> list[tuple[PrivateKey, bool]]:
    """Every holder key of the account with whether it came from a backup."""
    rows = s.scalars(select(HolderKey).where(HolderKey.account_id == vault.account_id)).all()
    out: list[tuple[PrivateKey, bool]] = []
    for row in rows:
        box = json.loads(vault.open(row.secret, f"holder_keys:{row.id}"))
        out.append((private_key_from_jwk(box["jwk"]), bool(box.get("imported"))))
    return out


def holder_keys(s: Session, vault: Vault) -> dict[str, PrivateKey]:
    """The account's keys: ``"ES256"`` and ``"EdDSA"`` name the account's own keys (made at
    sign-up); every key (own or restored from a backup) is also listed by its JWK thumbprint,
    so a credential is always presented with the key it is bound to."""
    out: dict[str, PrivateKey] = {}
    for key, imported in all_holder_keys(s, vault):
        if not imported or key.alg not in out:
            out[key.alg] = key
        out[key.public_key.thumbprint()] = key
    return out


def vault_for(s: Session, box: SecretBox, account_id: str) -> Vault:
    account = s.get(Account, account_id)
    if account is None:
        raise PolicyError("account.unknown", "no such account", message_nl="onbekend account")
    return Vault(account_id, unwrap_data_key(box, account_id, account.data_key))


def delete_account(s: Session, account_id: str) -> None:
    """Delete the account and, by cascade (and explicitly, for SQLite without FKs), its data."""
    from wallet.models import CredentialRow, Disclosure, Flow, Share

    for model in (WebSession, HolderKey, CredentialRow, Disclosure, Share, Flow):
        s.execute(delete(model).where(model.account_id == account_id))
    s.execute(delete(Account).where(Account.id == account_id))
