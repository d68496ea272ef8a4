"""Issuer database tables (SQLAlchemy Core). Migrations: ``issuer/migrations``.

Personal data is kept to what issuing needs: the learner's record lives in ``issued.record``
(encrypted under the KEK, bound to its row) until the credential is redeemed plus the
retention period, then it is erased (``record = NULL``) while the status row stays so
revocation keeps working. Private keys, pre-authorized codes and batch items are encrypted too;
API keys, codes and nonces are stored only as hashes.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from servicekit.replay import one_time_table

__all__ = [
    "achievements",
    "api_keys",
    "audit_log",
    "idempotency",
    "issued",
    "job_items",
    "jobs",
    "metadata",
    "offers",
    "status_entries",
    "status_lists",
    "tenant_keys",
    "tenants",
]

metadata = MetaData()

tenants = Table(
    "tenants",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name_nl", String(300), nullable=False),
    Column("name_en", String(300), nullable=False),
    Column("logo_uri", String(500)),
    Column("country", String(2), nullable=False, server_default="NL"),
    Column("brin", String(8)),
    Column("rio", String(20)),
    Column("kvk", String(8)),
    Column("did_method", String(8), nullable=False, server_default="web"),
    Column("created_at", Float, nullable=False),
    # where a batch's completion webhook goes, and its HMAC key (sealed under the KEK)
    Column("webhook_url", String(500)),
    Column("webhook_secret_enc", Text),
)

tenant_keys = Table(
    "tenant_keys",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("purpose", String(16), nullable=False),  # "di" (Ed25519) | "jose" (P-256)
    Column("alg", String(8), nullable=False),
    Column("fragment", String(64), nullable=False),
    Column("public_jwk", Text, nullable=False),
    Column("private_enc", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("retired_at", Float),
    UniqueConstraint("tenant_id", "fragment", name="uq_tenant_key_fragment"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("scopes", String(300), nullable=False),
    Column("label", String(200), nullable=False, server_default=""),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
)

achievements = Table(
    "achievements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("template", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("deleted", Boolean, nullable=False, server_default="0"),
)

status_lists = Table(
    "status_lists",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("size", Integer, nullable=False),
    Column("used", Integer, nullable=False, server_default="0"),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("tenant_id", "number", name="uq_status_list_number"),
)

status_entries = Table(
    "status_entries",
    metadata,
    Column("list_id", String(36), ForeignKey("status_lists.id"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("issued_id", String(36), nullable=False, unique=True),
)

issued = Table(
    "issued",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), ForeignKey("tenants.id"), nullable=False),
    Column("achievement_id", String(36), nullable=False),
    Column("record", Text),  # erased after retention
    Column("learner_ref", String(200)),  # provider's own learner reference (searchable)
    Column("title", String(300), nullable=False, server_default=""),
    Column("state", String(16), nullable=False),  # offered | issued
    Column("status", String(16), nullable=False),  # active | revoked | suspended
    Column("status_reason", String(500)),
    Column("list_id", String(36), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("job_id", String(36)),
    Column("credential_id", String(500), unique=True),  # VC-API credentials: their id
    Column("created_at", Float, nullable=False),
    Column("redeemed_at", Float),
    Column("erased_at", Float),
    Index("ix_issued_tenant_created", "tenant_id", "created_at"),
    Index("ix_issued_tenant_learner", "tenant_id", "learner_ref"),
)

offers = Table(
    "offers",
    metadata,
    Column("id", String(64), primary_key=True),  # unguessable reference in credential_offer_uri
    Column("tenant_id", String(36), ForeignKey("tenants.id"), nullable=False),
    Column("issued_id", String(36), ForeignKey("issued.id"), nullable=False, index=True),
    Column("configuration_ids", Text, nullable=False),
    Column("code_enc", Text, nullable=False),  # pre-authorized code, encrypted (shown in offer)
    Column("tx_code_hash", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

idempotency = Table(
    "idempotency",
    metadata,
    Column("tenant_id", String(36), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("state", String(16), nullable=False),  # pending | running | done
    Column("total", Integer, nullable=False),
    Column("done", Integer, nullable=False, server_default="0"),
    Column("failed", Integer, nullable=False, server_default="0"),
    Column("created_at", Float, nullable=False),
    Column("finished_at", Float),
    Column("webhook_status", Integer),  # HTTP status of the completion webhook (0: not delivered)
    Column("webhook_at", Float),
)

job_items = Table(
    "job_items",
    metadata,
    Column("job_id", String(36), ForeignKey("jobs.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("payload", Text),  # erased once processed
    Column("state", String(16), nullable=False),  # pending | done | failed
    Column("issued_id", String(36)),
    Column("offer_id", String(64)),
    Column("error", Text),
    Column("learner_ref", String(200)),  # the caller's own reference, echoed per item
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant_id", String(36), index=True),
    Column("actor", String(100), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(200)),
    Column("reason", String(500)),
    Column("at", Float, nullable=False),
)

# The single-use value table from servicekit.replay belongs to the same schema.
one_time_table.to_metadata(metadata)
