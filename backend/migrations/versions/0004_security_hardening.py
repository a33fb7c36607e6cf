"""Staff logins get a second factor (TOTP with hashed recovery codes); API tokens get an expiry.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        users.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        users.add_column(sa.Column("recovery_code_digests", sa.Text(), nullable=True))
    with op.batch_alter_table("api_tokens") as tokens:
        tokens.add_column(sa.Column("expires_at", UTC_DATETIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as tokens:
        tokens.drop_column("expires_at")
    with op.batch_alter_table("users") as users:
        users.drop_column("recovery_code_digests")
        users.drop_column("totp_last_step")
        users.drop_column("totp_secret")
