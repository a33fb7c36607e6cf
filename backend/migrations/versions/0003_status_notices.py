"""Status notices: one row per ticket status change, delivered to the bot's signed webhook.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "status_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.String(length=32), nullable=False, unique=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False, index=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("changed_at", UTC_DATETIME, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_DATETIME, nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("delivered_at", UTC_DATETIME, nullable=True),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
    )
    op.create_index("ix_status_notices_state_next", "status_notices", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_status_notices_state_next", table_name="status_notices")
    op.drop_table("status_notices")
