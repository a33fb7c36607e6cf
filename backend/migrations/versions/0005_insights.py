"""Conversation insights: anonymised facts from the bot's event consumer (issue 17).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "insight_facts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("fact_id", sa.String(length=64), nullable=False, unique=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("persona", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=True),
        sa.Column("outcome", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("question", sa.String(length=64), nullable=True),
        sa.Column("value", sa.String(length=8), nullable=True),
        sa.Column("text", sa.String(length=300), nullable=True),
        sa.Column("knowledge_version", sa.String(length=64), nullable=True),
        sa.Column("received_at", UTC_DATETIME, nullable=False, index=True),
    )
    op.create_index("ix_insight_facts_kind_day", "insight_facts", ["kind", "day"])


def downgrade() -> None:
    op.drop_index("ix_insight_facts_kind_day", table_name="insight_facts")
    op.drop_table("insight_facts")
