"""Accounts, sessions and login rate limiting.

* Passwords are hashed with argon2id (RFC 9106, argon2-cffi defaults); the hash is upgraded on
  login when the parameters change.
* A session is a server-side row keyed by SHA-256 of a random 256-bit cookie token, with its own
  CSRF token; logging out deletes the row.
* Failed logins are counted per account name and per client address; after
  ``login_max_failures`` in ``login_window`` seconds further attempts are refused without
  checking the password (even a correct one), so guessing is bounded.
* Each account gets two holder keys at sign-up: P-256 (SD-JWT key binding, did:jwk) and Ed25519
  (Data Integrity presentations), sealed in the account vault.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from rotonde.clock import Clock
from rotonde.errors import PolicyError, ValidationError
from rotonde.keys import PrivateKey, generate, private_key_from_jwk
from rotonde.web.crypto import SecretBox
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
    "record_failure",
    "vault_for",
]

_HASHER = PasswordHasher()
_USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")
# A fixed hash to spend the same time on unknown names as on wrong passwords.
_DUMMY_HASH = _HASHER.hash("rotonde-dummy-password")


@dataclass(frozen=True, slots=True)
class SessionInfo:
    account_id: str
    username: str
    csrf: str
    session_id: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_new(username: str, password: str) -> str:
    name = username.strip().lower()
    if not 3 <= len(name) <= 64 or not set(name) <= _USERNAME_CHARS:
        raise ValidationError(
            "account.username_invalid",
            "choose a name of 3 to 64 letters, digits, dots, dashes or @",
            message_nl="kies een naam van 3 tot 64 letters, cijfers, punten, streepjes of @",
            pointer="/username",
        )
    if not 10 <= len(password) <= 1024:
        raise ValidationError(
            "account.password_too_short",
            "the password must be at least 10 characters long",
            message_nl="het wachtwoord moet minstens 10 tekens lang zijn",
            pointer="/password",
        )
    return name


def create_account(s: Session, box: SecretBox, clock: Clock, username: str, password: str) -> str:
    """Create an account with its data key and holder keys; returns the account id."""
    name = _check_new(username, password)
    if s.scalar(select(Account.id).where(Account.username == name)) is not None:
        raise ValidationError(
            "account.username_taken",
            "this name is already in use",
            message_nl="deze naam is al in gebruik",
            pointer="/username",
        )
    account_id = secrets.token_hex(16)
    key, wrapped = new_data_key(box, account_id)
    s.add(Account(id=account_id, username=name, password_hash=_HASHER.hash(password),
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


def _failures(s: Session, key: str, since: float) -> int:
    return int(s.scalar(select(func.count()).select_from(LoginFailure)
                        .where(LoginFailure.key == key, LoginFailure.at > since)) or 0)


def authenticate(
    s: Session, clock: Clock, username: str, password: str, client: str, *,
    max_failures: int, window: float,
) -> str:
    """Check a login; returns the account id. Raises ``account.rate_limited`` or
    ``account.login_failed`` (the same message for unknown names and wrong passwords)."""
    name = username.strip().lower()[:64]
    now = clock.now()
    keys = (f"user:{name}", f"addr:{client}")
    if any(_failures(s, k, now - window) >= max_failures for k in keys):
        raise PolicyError(
            "account.rate_limited",
            "too many failed attempts; wait a quarter of an hour and try again",
            message_nl="te veel mislukte pogingen; wacht een kwartier en probeer het opnieuw",
        )
    account = s.scalar(select(Account).where(Account.username == name))
    ok = False
    try:
        ok = _HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or account is None:
        raise PolicyError(
            "account.login_failed",
            "name or password is not right",
            message_nl="naam of wachtwoord klopt niet",
        )
    if _HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = _HASHER.hash(password)
    s.execute(delete(LoginFailure).where(LoginFailure.key == keys[0]))
    return account.id


def record_failure(s: Session, clock: Clock, username: str, client: str, window: float) -> None:
    """Count a failed login (call in its own transaction: the failed one is rolled back)."""
    now = clock.now()
    for key in (f"user:{username.strip().lower()[:64]}", f"addr:{client}"):
        s.add(LoginFailure(key=key, at=now))
    s.execute(delete(LoginFailure).where(LoginFailure.at < now - 2 * window))


def create_session(s: Session, clock: Clock, account_id: str, ttl: float) -> tuple[str, str]:
    """Start a session; returns ``(cookie_token, csrf_token)``."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    now = clock.now()
    s.add(WebSession(id=_token_hash(token), account_id=account_id, csrf=csrf,
                     created_at=now, expires_at=now + ttl))
    s.execute(delete(WebSession).where(WebSession.expires_at < now))
    return token, csrf


def load_session(s: Session, clock: Clock, token: str) -> SessionInfo | None:
    if not token or len(token) > 128:
        return None
    row = s.get(WebSession, _token_hash(token))
    if row is None or row.expires_at <= clock.now():
        return None
    account = s.get(Account, row.account_id)
    if account is None:
        return None
    return SessionInfo(account.id, account.username, row.csrf, row.id)


def end_session(s: Session, token: str) -> None:
    s.execute(delete(WebSession).where(WebSession.id == _token_hash(token)))


def delete_account(s: Session, account_id: str) -> None:
    """Delete the account and, by cascade (and explicitly, for SQLite without FKs), its data."""
    from wallet.models import CredentialRow, Disclosure, Flow, Share

    for model in (WebSession, HolderKey, CredentialRow, Disclosure, Share, Flow):
        s.execute(delete(model).where(model.account_id == account_id))
    s.execute(delete(Account).where(Account.id == account_id))
