"""Batch API polish: the caller's learner_ref per batch item, a per-tenant webhook (URL and
sealed secret) and the delivery outcome of each batch's completion webhook.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhook_url", sa.String(500), nullable=True))
        batch_op.add_column(sa.Column("webhook_secret_enc", sa.Text, nullable=True))
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhook_status", sa.Integer, nullable=True))
        batch_op.add_column(sa.Column("webhook_at", sa.Float, nullable=True))
    with op.batch_alter_table("job_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("learner_ref", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job_items", schema=None) as batch_op:
        batch_op.drop_column("learner_ref")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("webhook_at")
        batch_op.drop_column("webhook_status")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("webhook_secret_enc")
        batch_op.drop_column("webhook_url")
