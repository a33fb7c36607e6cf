"""Tables of the partners' backend (SQLAlchemy 2 typed models)."""

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    organisation: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    # second factor: the TOTP secret (base32), the last time step used (no replay), hashed recovery codes
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]
    recovery_code_digests: Mapped[str | None] = mapped_column(Text)  # JSON list of sha256 digests


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]  # None: the development accounts' tokens, which never expire
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_org_status", "pre_check_org", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    body_sha256: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(32), index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))
    case_data: Mapped[dict[str, Any]]
    routing: Mapped[dict[str, Any]]
    pre_check_org: Mapped[str] = mapped_column(String(32))
    no_prospect_flag: Mapped[bool]
    no_prospect_reasons: Mapped[list[Any]]
    consent: Mapped[dict[str, Any]]
    candidate_link_digest: Mapped[str | None] = mapped_column(String(64), index=True)  # sha256, never the code
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    search_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    first_response_due_at: Mapped[datetime]
    first_responded_at: Mapped[datetime | None]
    forwarded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    personal_data_removed_at: Mapped[datetime | None]
    personal_data_removal_kind: Mapped[str | None] = mapped_column(String(32))
    # the person asked the bot to erase their data after the case was forwarded: staff decide (Art. 17(3) GDPR)
    erasure_requested_at: Mapped[datetime | None]

    assignee: Mapped[User | None] = relationship(lazy="joined")
    checklist: Mapped[list["ChecklistItem"]] = relationship(
        lazy="selectin", order_by="ChecklistItem.position", cascade="all, delete-orphan"
    )


class ChecklistItem(Base):
    __tablename__ = "checklist_items"
    __table_args__ = (UniqueConstraint("ticket_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    item: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(32))
    position: Mapped[int]
    updated_at: Mapped[datetime]


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    body_removed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]

    author: Mapped[User] = relationship(lazy="joined")


class AuditEvent(Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see the initial migration).

    `before` and `after` hold state, never personal data, so that anonymisation never has to
    touch the trail.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_subject", "subject_type", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    actor: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime]


class StaffSession(Base):
    """A staff UI login: the cookie holds a random token, the table only its sha256."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship(lazy="joined")


class LoginFailure(Base):
    """A failed login, keyed by a digest of the username or the client address (never the raw value)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key_digest", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_digest: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class ForwardingPackage(Base):
    """The case package sent to the Zentralstelle when a ticket is forwarded."""

    __tablename__ = "forwarding_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    package_json: Mapped[dict[str, Any]]
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]

    delivery: Mapped["Delivery"] = relationship(lazy="joined", back_populates="package", uselist=False)


class Delivery(Base):
    """The durable delivery queue: one row per package, retried with backoff until delivered or failed."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("forwarding_packages.id"), unique=True)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(200))
    target: Mapped[str | None] = mapped_column(String(16))
    delivered_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    package: Mapped[ForwardingPackage] = relationship(back_populates="delivery")


class StatusNotice(Base):
    """A ticket's status change on its way to the bot's signed webhook, retried with backoff until
    delivered or failed. Holds no personal data: the bot learns the reference and the new status."""

    __tablename__ = "status_notices"
    __table_args__ = (Index("ix_status_notices_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(200))
    delivered_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class InsightFact(Base):
    """An anonymised fact about a conversation (docs/contracts.md, "Conversation insights"): codes, a
    daily-rotating conversation hash and at most a scrubbed line of text, never a name, address or case."""

    __tablename__ = "insight_facts"
    __table_args__ = (Index("ix_insight_facts_kind_day", "kind", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fact_id: Mapped[str] = mapped_column(String(64), unique=True)  # the consumer's idempotency key
    kind: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(index=True)
    conversation: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    persona: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(64))
    question: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str | None] = mapped_column(String(300))
    knowledge_version: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(index=True)


class InsightConsumerReport(Base):
    """The latest report of the insights consumer of each source (the backend never reads the queue itself)."""

    __tablename__ = "insight_consumer_reports"

    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    backlog: Mapped[int]
    last_event_at: Mapped[datetime | None]
    measured_at: Mapped[datetime]  # the consumer's clock
    received_at: Mapped[datetime]  # the backend's clock: staleness is judged on it
