"""Password accounts, server-side sessions and login throttling, shared by the services.

* Passwords are hashed with argon2id (RFC 9106, argon2-cffi defaults); the hash is upgraded on
  login when the parameters change. Unknown names cost as much time as wrong passwords.
* A session is a server-side row keyed by SHA-256 of a random 256-bit cookie token, with its own
  CSRF token; logging out deletes the row.
* Sign-in attempts are counted *before* the password is checked (:mod:`servicekit.throttle`):
  per (name, address) or (name, known device), per address, and — from devices the account
  was never used on — per name with a growing delay; over a limit the password is not checked
  (even a correct one), so guessing is bounded and concurrency cannot overshoot it.
* A successful sign-in makes the browser a *known device* of the account: a random 256-bit
  cookie token whose SHA-256 (bound to the account id) the service stores for
  :data:`DEVICE_TTL`; attackers elsewhere never lock the owner out of it.
* At most :data:`servicekit.throttle.SIGN_IN_GATE` argon2 computations run at once per
  process; more get ``account.busy`` ("try again in a few seconds") at once.

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
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from starlette.requests import Request

from rotonde.clock import Clock
from rotonde.errors import PolicyError, ValidationError
from servicekit.db import Database
from servicekit.replay import OneTimeStore
from servicekit.throttle import SIGN_IN_GATE, Gate, LoginThrottle

__all__ = [
    "DEVICE_TTL", "THROTTLED", "AccountModels", "Accounts", "SessionInfo", "SignIn", "check_new",
    "hash_password", "pre_token", "safe_next", "sign_in_status",
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
    """The argon2id hash of a new password (``account.busy`` when too many run at once)."""
    with SIGN_IN_GATE.slot():
        return _HASHER.hash(password)


def pre_token(request: Request, cookie: str) -> str:
    """The double-submit CSRF token of forms shown before sign-in: the ``cookie`` value, or a
    fresh one (the caller sets the cookie on its response)."""
    token = getattr(request.state, "pre", None) or request.cookies.get(cookie)
    if not token or len(token) > 64:
        token = secrets.token_urlsafe(24)
    request.state.pre = token
    return str(token)


#: Codes of sign-ins refused before the password was checked.
THROTTLED = frozenset({"account.busy", "account.rate_limited", "account.slowed_down"})


def sign_in_status(exc: PolicyError) -> tuple[int, dict[str, str]]:
    """HTTP status and headers for a refused sign-in: 429 (throttled) or 503 (busy) with
    ``Retry-After`` (RFC 6585 §4, RFC 9110 §10.2.3), 401 for a wrong name or password."""
    retry = exc.problems[0].detail.get("retry_after")
    headers = {"Retry-After": str(retry)} if retry is not None else {}
    if exc.code == "account.busy":
        return 503, headers
    if exc.code in THROTTLED:
        return 429, headers
    return 401, {}


def safe_next(value: object) -> str:
    """Only same-site paths are allowed as a ``next`` target (no open redirects)."""
    if (not isinstance(value, str) or not value.startswith("/") or value.startswith("//")
            or "\\" in value):
        return "/"
    return value[:2000]


@dataclass(frozen=True, slots=True)
class SignIn:
    """A successful sign-in: the account and the device token to set as a cookie (the same one
    when the browser was already a known device of the account)."""

    account_id: str
    device: str


#: How long a browser stays a known device of an account after signing in there.
DEVICE_TTL = 180 * 24 * 3600
_DEVICE_NS = "login-device"


class Accounts:
    """Login, sessions and throttling over one service's :class:`AccountModels`."""

    def __init__(self, models: AccountModels, *, gate: Gate = SIGN_IN_GATE) -> None:
        self.m = models
        self.gate = gate

    def _known_device(self, db: Database, clock: Clock, account_id: str,
                      device: str | None) -> str | None:
        """The hash of ``device`` when it is a known device of the account, else ``None``."""
        if not device or len(device) > 64:
            return None
        value = f"{account_id}|{device}"
        if OneTimeStore(db, clock=clock).peek(_DEVICE_NS, value) is None:
            return None
        return _token_hash(value)

    def authenticate(
        self, db: Database, clock: Clock, username: str, password: str, client: str, *,
        device: str | None = None, max_failures: int, window: float,
    ) -> SignIn:
        """Check a login (:mod:`servicekit.throttle`: the attempt is counted before the
        password is checked). Raises ``account.rate_limited`` / ``account.slowed_down`` (not
        checked), ``account.busy`` (too many sign-ins at once; nothing done) or
        ``account.login_failed`` (the same message for unknown names and wrong passwords)."""
        with self.gate.slot():  # before any work: excess sign-ins cost nothing
            return self._authenticate(db, clock, username, password, client, device,
                                      max_failures, window)

    def _authenticate(self, db: Database, clock: Clock, username: str, password: str,
                      client: str, device: str | None, max_failures: int,
                      window: float) -> SignIn:
        name = username.strip().lower()[:64]
        with db.session() as s:
            account = s.execute(select(self.m.account.id, self.m.account.password_hash)
                                .where(self.m.account.username == name)).first()
        known = self._known_device(db, clock, account.id, device) if account else None
        throttle = LoginThrottle(self.m.failure, max_failures=max_failures, window=window)
        attempt = throttle.reserve(db, clock, name=name, client=client, device=known)
        ok: bool
        try:
            ok = _HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok or account is None:
            throttle.failed(db, clock)
            raise PolicyError(
                "account.login_failed",
                "name or password is not right",
                message_nl="naam of wachtwoord klopt niet",
            )
        token = device if known and device else secrets.token_urlsafe(32)
        with db.session() as s:
            if _HASHER.check_needs_rehash(account.password_hash):
                s.execute(update(self.m.account).where(self.m.account.id == account.id)
                          .values(password_hash=_HASHER.hash(password)))
            throttle.succeeded(s, attempt)
        if not known:
            self.remember_device(db, clock, str(account.id), token)
        return SignIn(str(account.id), token)

    def remember_device(self, db: Database, clock: Clock, account_id: str,
                        token: str | None = None) -> str:
        """Make a browser a known device of the account (after a sign-in or sign-up); returns
        the token for its cookie. Only the SHA-256 of (account id, token) is stored."""
        token = token or secrets.token_urlsafe(32)
        OneTimeStore(db, clock=clock).remember(_DEVICE_NS, f"{account_id}|{token}",
                                               ttl=DEVICE_TTL)
        return token

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

    def signed_in(self, request: Request, *, cookie: str, db: Database,
                  clock: Clock) -> SessionInfo | None:
        """The session named by the request's ``cookie``, looked up once per request
        (:meth:`signed_out` forgets it, e.g. after the account was deleted)."""
        cache: dict[str, SessionInfo | None] | None = getattr(request.state, "sessions", None)
        if cache is None:
            cache = request.state.sessions = {}
        if cookie not in cache:
            token = request.cookies.get(cookie, "")
            if token:
                with db.session() as s:
                    cache[cookie] = self.load_session(s, clock, token)
            else:
                cache[cookie] = None
        return cache[cookie]

    @staticmethod
    def signed_out(request: Request, *, cookie: str) -> None:
        """From now on this request has no session under ``cookie``."""
        cache = getattr(request.state, "sessions", None)
        if cache is None:
            cache = request.state.sessions = {}
        cache[cookie] = None

    def end_session(self, s: Session, token: str) -> None:
        s.execute(delete(self.m.session).where(self.m.session.id == _token_hash(token)))
