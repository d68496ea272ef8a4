"""Initial wallet schema.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicekit.replay import create_table as create_one_time_table

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _account_id() -> sa.Column[str]:
    fk = sa.ForeignKey("accounts.id", ondelete="CASCADE")
    return sa.Column("account_id", sa.String(32), fk, nullable=False)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("data_key", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_accounts_username", "accounts", ["username"], unique=True)
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        _account_id(),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_index("ix_web_sessions_account_id", "web_sessions", ["account_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"])
    op.create_table(
        "holder_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        _account_id(),
        sa.Column("alg", sa.String(16), nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
    )
    op.create_index("ix_holder_keys_account_id", "holder_keys", ["account_id"])
    op.create_table(
        "credentials",
        sa.Column("id", sa.String(32), primary_key=True),
        _account_id(),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("meta", sa.Text, nullable=False),
        sa.Column("self_asserted", sa.Boolean, nullable=False),
        sa.Column("received_at", sa.Float, nullable=False),
    )
    op.create_index("ix_credentials_account_id", "credentials", ["account_id"])
    op.create_table(
        "disclosures",
        sa.Column("id", sa.String(32), primary_key=True),
        _account_id(),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_disclosures_account_id", "disclosures", ["account_id"])
    op.create_table(
        "shares",
        sa.Column("id", sa.String(64), primary_key=True),
        _account_id(),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.Column("fetched_at", sa.Float, nullable=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_shares_account_id", "shares", ["account_id"])
    op.create_table(
        "flows",
        sa.Column("id", sa.String(32), primary_key=True),
        _account_id(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_flows_account_id", "flows", ["account_id"])
    create_one_time_table(op)


def downgrade() -> None:
    for table in ("rotonde_one_time", "flows", "shares", "disclosures", "credentials", "holder_keys",
                  "login_failures", "web_sessions", "accounts"):
        op.drop_table(table)
