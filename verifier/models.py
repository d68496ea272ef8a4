"""Database tables of the verifier (SQLAlchemy 2). Sessions live in the database so that any
worker can serve the request object, accept the wallet's response and show the result."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base", "SigningKey", "StaffLoginFailure", "StaffMember", "StaffSession", "VerificationSession",
]


class Base(DeclarativeBase):
    #: Every model here is declared with ``__tablename__``, so it maps a :class:`Table`
    #: (SQLAlchemy types the attribute as any ``FromClause``).
    __table__: ClassVar[Table]


class VerificationSession(Base):
    """One presentation request (OpenID4VP), one scanned share, or one VC-API call."""

    __tablename__ = "verifier_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # request | share | vcapi
    status: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    state: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    nonce: Mapped[str | None] = mapped_column(String(128), nullable=True)
    client_id: Mapped[str | None] = mapped_column(String(512), nullable=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    dcql_query: Mapped[str | None] = mapped_column(Text, nullable=True)
    requirement: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float, nullable=False)
    expires_at: Mapped[float] = mapped_column(Float, nullable=False)
    completed_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    verdict: Mapped[str | None] = mapped_column(String(16), nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: the raw presentation(s), encrypted at rest
    raw: Mapped[str | None] = mapped_column(Text, nullable=True)
    api_client: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: direct_post or direct_post.jwt; for the latter a per-session ECDH-ES key (encrypted)
    response_mode: Mapped[str] = mapped_column(String(24), nullable=False, default="direct_post")
    enc_kid: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    enc_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    webhook_status: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SigningKey(Base):
    """The verifier's request-object signing key (private JWK encrypted with the KEK)."""

    __tablename__ = "verifier_keys"

    kid: Mapped[str] = mapped_column(String(200), primary_key=True)
    alg: Mapped[str] = mapped_column(String(16), nullable=False)
    private_jwk: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[float] = mapped_column(Float, nullable=False)


class StaffMember(Base):
    """An employer's staff account for the verifier's pages (argon2id password hash)."""

    __tablename__ = "verifier_staff"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(256), nullable=False)
    created_at: Mapped[float] = mapped_column(Float, nullable=False)


class StaffSession(Base):
    """A signed-in staff member: keyed by SHA-256 of the cookie token, with its CSRF token."""

    __tablename__ = "verifier_staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("verifier_staff.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[float] = mapped_column(Float, nullable=False)
    expires_at: Mapped[float] = mapped_column(Float, nullable=False)


class StaffLoginFailure(Base):
    """A failed sign-in, per name and per client address (throttling)."""

    __tablename__ = "verifier_login_failures"
    __table_args__ = (Index("ix_verifier_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(128), nullable=False)
    at: Mapped[float] = mapped_column(Float, nullable=False)
