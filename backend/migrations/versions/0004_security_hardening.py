"""Staff logins get a second factor (TOTP with hashed recovery codes); API tokens get an expiry;
candidate link codes are kept only as digests (the codes in clear are hashed, then dropped).

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import hashlib

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
    with op.batch_alter_table("tickets") as tickets:
        tickets.add_column(sa.Column("candidate_link_digest", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    codes = connection.execute(
        sa.text("SELECT id, candidate_link_code FROM tickets WHERE candidate_link_code IS NOT NULL")
    )
    for ticket_id, code in codes.all():
        digest = hashlib.sha256(f"candidate_link:{code}".encode()).hexdigest()
        connection.execute(
            sa.text("UPDATE tickets SET candidate_link_digest = :digest WHERE id = :id"),
            {"digest": digest, "id": ticket_id},
        )
    with op.batch_alter_table("tickets") as tickets:
        tickets.drop_column("candidate_link_code")
        tickets.create_index("ix_tickets_candidate_link_digest", ["candidate_link_digest"])


def downgrade() -> None:
    """The codes themselves cannot come back: the tickets keep no code (staff issue new ones)."""
    with op.batch_alter_table("tickets") as tickets:
        tickets.drop_index("ix_tickets_candidate_link_digest")
        tickets.drop_column("candidate_link_digest")
        tickets.add_column(sa.Column("candidate_link_code", sa.String(length=32), nullable=True))
    with op.batch_alter_table("api_tokens") as tokens:
        tokens.drop_column("expires_at")
    with op.batch_alter_table("users") as users:
        users.drop_column("recovery_code_digests")
        users.drop_column("totp_last_step")
        users.drop_column("totp_secret")
