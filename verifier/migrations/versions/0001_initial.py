"""Initial verifier schema.

Revision ID: v0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicekit.replay import create_table as create_one_time_table

revision: str = "v0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "verifier_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("state", sa.String(64), nullable=True, unique=True),
        sa.Column("nonce", sa.String(128), nullable=True),
        sa.Column("client_id", sa.String(512), nullable=True),
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("dcql_query", sa.Text, nullable=True),
        sa.Column("requirement", sa.Text, nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("completed_at", sa.Float, nullable=True),
        sa.Column("verdict", sa.String(16), nullable=True),
        sa.Column("result", sa.Text, nullable=True),
        sa.Column("raw", sa.Text, nullable=True),
        sa.Column("api_client", sa.String(64), nullable=True),
        sa.Column("response_mode", sa.String(24), nullable=False, server_default="direct_post"),
        sa.Column("enc_kid", sa.String(64), nullable=True, unique=True),
        sa.Column("enc_key", sa.Text, nullable=True),
        sa.Column("webhook_status", sa.Integer, nullable=True),
    )
    op.create_index("ix_verifier_sessions_status", "verifier_sessions", ["status"])
    op.create_table(
        "verifier_keys",
        sa.Column("kid", sa.String(200), primary_key=True),
        sa.Column("alg", sa.String(16), nullable=False),
        sa.Column("private_jwk", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    create_one_time_table(op)


def downgrade() -> None:
    op.drop_table("rotonde_one_time")
    op.drop_table("verifier_keys")
    op.drop_table("verifier_sessions")
