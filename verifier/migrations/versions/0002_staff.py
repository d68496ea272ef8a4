"""Staff accounts, sessions and login throttling for the employer pages.

Revision ID: v0002
Revises: v0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "v0002"
down_revision: str | None = "v0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "verifier_staff",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "verifier_staff_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(32),
                  sa.ForeignKey("verifier_staff.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_index("ix_verifier_staff_sessions_account_id", "verifier_staff_sessions",
                    ["account_id"])
    op.create_table(
        "verifier_login_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_verifier_login_failures_key_at", "verifier_login_failures",
                    ["key", "at"])


def downgrade() -> None:
    op.drop_index("ix_verifier_login_failures_key_at", table_name="verifier_login_failures")
    op.drop_table("verifier_login_failures")
    op.drop_index("ix_verifier_staff_sessions_account_id", table_name="verifier_staff_sessions")
    op.drop_table("verifier_staff_sessions")
    op.drop_table("verifier_staff")
