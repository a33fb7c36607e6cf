"""Figures for an organisation's lead, over the tickets the lead's organisation may see."""

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import ChecklistItem, Ticket
from backend.domain.checklist import ItemState
from backend.domain.permissions import Action
from backend.services.access import require, visible_tickets
from backend.services.accounts import Principal

TOP_MISSING = 10


@dataclass(frozen=True)
class Dashboard:
    weeks: list[str]  # ISO weeks, oldest first
    organisations: list[str]
    per_week: dict[tuple[str, str], int]  # (week, organisation) → tickets created
    total: int
    no_prospect: int
    median_first_action_hours: float | None
    missing_documents: list[tuple[str, int]]

    @property
    def no_prospect_share(self) -> float | None:
        return self.no_prospect / self.total if self.total else None

    def week_total(self, week: str) -> int:
        return sum(count for (each_week, _), count in self.per_week.items() if each_week == week)


def _week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


async def dashboard(session: AsyncSession, principal: Principal) -> Dashboard:
    require(principal, Action.DASHBOARD_VIEW)
    visible = visible_tickets(principal)
    rows = (
        await session.execute(
            select(Ticket.created_at, Ticket.pre_check_org, Ticket.no_prospect_flag, Ticket.first_responded_at).where(
                visible
            )
        )
    ).all()
    per_week = Counter((_week(created), org) for created, org, _, _ in rows)
    hours = [(responded - created).total_seconds() / 3600 for created, _, _, responded in rows if responded]
    missing_query = (
        select(ChecklistItem.item, func.count())
        .join(Ticket, ChecklistItem.ticket_id == Ticket.id)
        .where(visible, ChecklistItem.state == ItemState.MISSING.value)
        .group_by(ChecklistItem.item)
        .order_by(func.count().desc(), ChecklistItem.item)
        .limit(TOP_MISSING)
    )
    missing = [(item, count) for item, count in (await session.execute(missing_query)).all()]
    return Dashboard(
        weeks=sorted({week for week, _ in per_week}),
        organisations=sorted({org for _, org in per_week}),
        per_week=dict(per_week),
        total=len(rows),
        no_prospect=sum(1 for _, _, flagged, _ in rows if flagged),
        median_first_action_hours=round(statistics.median(hours), 1) if hours else None,
        missing_documents=missing,
    )
