"""Wallet tables (SQLAlchemy 2). Everything personal is stored encrypted.

* ``accounts``: login name, argon2id password hash and the account's data key wrapped by the
  server KEK (:class:`servicekit.crypto.SecretBox`, envelope encryption).
* ``web_sessions``: server-side sessions; the cookie holds a random token, the row its SHA-256.
* ``holder_keys``, ``credentials``, ``disclosures``, ``shares``, ``flows``: each payload column is
  an AES-GCM ciphertext under the account's data key, bound to its row by associated data.
* ``login_failures``: failed logins per key (account name or client address) for rate limiting.

Times are POSIX seconds (floats) taken from the injected clock.
"""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Account",
    "Base",
    "CredentialRow",
    "Disclosure",
    "Flow",
    "HolderKey",
    "LoginFailure",
    "Share",
    "WebSession",
]


class Base(DeclarativeBase):
    #: Every model here is declared with ``__tablename__``, so it maps a :class:`Table`
    #: (SQLAlchemy types the attribute as any ``FromClause``).
    __table__: ClassVar[Table]


def _account_fk() -> ForeignKey:
    return ForeignKey("accounts.id", ondelete="CASCADE")


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    data_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)


class WebSession(Base):
    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(32), _account_fk(), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(128))
    at: Mapped[float] = mapped_column(Float)


class HolderKey(Base):
    __tablename__ = "holder_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(32), _account_fk(), index=True)
    alg: Mapped[str] = mapped_column(String(16))
    secret: Mapped[str] = mapped_column(Text)


class CredentialRow(Base):
    __tablename__ = "credentials"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(32), _account_fk(), index=True)
    format: Mapped[str] = mapped_column(String(32))
    #: The credential exactly as received (encrypted).
    secret: Mapped[str] = mapped_column(Text)
    #: Encrypted JSON: title, issuer, report, record summary, status.
    meta: Mapped[str] = mapped_column(Text)
    self_asserted: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[float] = mapped_column(Float)


class Disclosure(Base):
    __tablename__ = "disclosures"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(32), _account_fk(), index=True)
    at: Mapped[float] = mapped_column(Float)
    #: Encrypted JSON: to whom, kind, claims per credential, outcome.
    data: Mapped[str] = mapped_column(Text)


class Share(Base):
    __tablename__ = "shares"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(32), _account_fk(), index=True)
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: Encrypted JSON: nonce, the presentation, disclosed claims.
    data: Mapped[str] = mapped_column(Text)


class Flow(Base):
    __tablename__ = "flows"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(32), _account_fk(), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[float] = mapped_column(Float)
    data: Mapped[str] = mapped_column(Text)
