"""The insights consumer reports its backlog; the health endpoint shows the latest report (issue 17 I5).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "insight_consumer_reports",
        sa.Column("source", sa.String(length=16), primary_key=True),
        sa.Column("backlog", sa.Integer(), nullable=False),
        sa.Column("last_event_at", UTC_DATETIME, nullable=True),
        sa.Column("measured_at", UTC_DATETIME, nullable=False),
        sa.Column("received_at", UTC_DATETIME, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("insight_consumer_reports")
