"""The append-only audit trail: this module only ever inserts and reads."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import AuditEvent

SYSTEM_RETENTION_ACTOR = "system:retention"


def record(
    session: AsyncSession,
    *,
    subject_type: str,
    subject: str,
    action: str,
    actor: str,
    at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            subject_type=subject_type, subject=subject, action=action, actor=actor, before=before, after=after, at=at
        )
    )


async def events_for(session: AsyncSession, subject_type: str, subject: str) -> list[AuditEvent]:
    query = (
        select(AuditEvent)
        .where(AuditEvent.subject_type == subject_type, AuditEvent.subject == subject)
        .order_by(AuditEvent.id)
    )
    return list((await session.scalars(query)).all())


def event_json(event: AuditEvent) -> dict[str, Any]:
    return {
        "action": event.action,
        "actor": event.actor,
        "at": event.at.isoformat(),
        "before": event.before,
        "after": event.after,
    }
