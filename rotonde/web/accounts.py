"""Password accounts, server-side sessions and login throttling, shared by the services.

* Passwords are hashed with argon2id (RFC 9106, argon2-cffi defaults); the hash is upgraded on
  login when the parameters change. Unknown names cost as much time as wrong passwords.
* A session is a server-side row keyed by SHA-256 of a random 256-bit cookie token, with its own
  CSRF token; logging out deletes the row.
* Failed logins are counted per account name and per client address; after ``max_failures``
  in ``window`` seconds further attempts are refused without checking the password (even a
  correct one), so guessing is bounded.

Each service passes its own SQLAlchemy models (:class:`AccountModels`): the wallet's learner
accounts and the verifier's staff accounts share this logic, not their tables.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from starlette.requests import Request

from rotonde.clock import Clock
from rotonde.errors import PolicyError, ValidationError

__all__ = [
    "AccountModels", "Accounts", "SessionInfo", "check_new", "hash_password", "pre_token",
    "safe_next",
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


@dataclass(frozen=True)
class AccountModels:
    """ORM models: ``account`` (``id``, ``username``, ``password_hash``), ``session`` (``id``,
    ``account_id``, ``csrf``, ``created_at``, ``expires_at``) and ``failure`` (``key``, ``at``)."""

    account: Any
    session: Any
    failure: Any


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_new(username: str, password: str) -> str:
    """The normalised name for a new account; ``account.username_invalid`` or
    ``account.password_too_short`` otherwise."""
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


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def pre_token(request: Request, cookie: str) -> str:
    """The double-submit CSRF token of forms shown before sign-in: the ``cookie`` value, or a
    fresh one (the caller sets the cookie on its response)."""
    token = getattr(request.state, "pre", None) or request.cookies.get(cookie)
    if not token or len(token) > 64:
        token = secrets.token_urlsafe(24)
    request.state.pre = token
    return str(token)


def safe_next(value: object) -> str:
    """Only same-site paths are allowed as a ``next`` target (no open redirects)."""
    if (not isinstance(value, str) or not value.startswith("/") or value.startswith("//")
            or "\\" in value):
        return "/"
    return value[:2000]


class Accounts:
    """Login, sessions and throttling over one service's :class:`AccountModels`."""

    def __init__(self, models: AccountModels) -> None:
        self.m = models

    def _failures(self, s: Session, key: str, since: float) -> int:
        failure = self.m.failure
        return int(s.scalar(select(func.count()).select_from(failure)
                            .where(failure.key == key, failure.at > since)) or 0)

    def authenticate(
        self, s: Session, clock: Clock, username: str, password: str, client: str, *,
        max_failures: int, window: float,
    ) -> str:
        """Check a login; returns the account id. Raises ``account.rate_limited`` or
        ``account.login_failed`` (the same message for unknown names and wrong passwords)."""
        name = username.strip().lower()[:64]
        now = clock.now()
        keys = (f"user:{name}", f"addr:{client}")
        if any(self._failures(s, k, now - window) >= max_failures for k in keys):
            raise PolicyError(
                "account.rate_limited",
                "too many failed attempts; wait a quarter of an hour and try again",
                message_nl="te veel mislukte pogingen; wacht een kwartier en probeer het opnieuw",
            )
        account = s.scalar(select(self.m.account).where(self.m.account.username == name))
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
        s.execute(delete(self.m.failure).where(self.m.failure.key == keys[0]))
        return str(account.id)

    def record_failure(
        self, s: Session, clock: Clock, username: str, client: str, window: float
    ) -> None:
        """Count a failed login (call in its own transaction: the failed one is rolled back)."""
        now = clock.now()
        for key in (f"user:{username.strip().lower()[:64]}", f"addr:{client}"):
            s.add(self.m.failure(key=key, at=now))
        s.execute(delete(self.m.failure).where(self.m.failure.at < now - 2 * window))

    def create_session(
        self, s: Session, clock: Clock, account_id: str, ttl: float
    ) -> tuple[str, str]:
        """Start a session; returns ``(cookie_token, csrf_token)``."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        now = clock.now()
        s.add(self.m.session(id=_token_hash(token), account_id=account_id, csrf=csrf,
                             created_at=now, expires_at=now + ttl))
        s.execute(delete(self.m.session).where(self.m.session.expires_at < now))
        return token, csrf

    def load_session(self, s: Session, clock: Clock, token: str) -> SessionInfo | None:
        if not token or len(token) > 128:
            return None
        row = s.get(self.m.session, _token_hash(token))
        if row is None or row.expires_at <= clock.now():
            return None
        account = s.get(self.m.account, row.account_id)
        if account is None:
            return None
        return SessionInfo(account.id, account.username, row.csrf, row.id)

    def end_session(self, s: Session, token: str) -> None:
        s.execute(delete(self.m.session).where(self.m.session.id == _token_hash(token)))
