"""What the templates show: tickets as rows and pages, read through the services."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import AuditEvent, Ticket
from backend.domain.checklist import ItemState
from backend.domain.deadlines import first_response
from backend.domain.permissions import Action, scope_for
from backend.domain.statuses import Status, allowed_outcomes
from backend.services import audit, forwarding, status_notices, tickets
from backend.services.accounts import Principal
from backend.web.labels import NO_PROSPECT_REASONS


@dataclass(frozen=True)
class Flags:
    overdue: bool
    waiting: bool


def flags(ticket: Ticket, now: datetime) -> Flags:
    response = first_response(ticket.first_response_due_at, ticket.first_responded_at, now)
    return Flags(
        overdue=ticket.status == Status.SUBMITTED and response.overdue,
        waiting=ticket.status == Status.WAITING_FOR_EMPLOYER,
    )


def may(principal: Principal, action: Action, ticket: Ticket) -> bool:
    """Whether to offer a form; the route checks again through the same access service."""
    if scope_for(principal.role, action) is None:
        return False
    return action in (Action.TICKET_COMMENT, Action.TICKET_TRANSITION) or ticket.pre_check_org == principal.organisation


def raw_change(event: AuditEvent) -> str:
    """The change as recorded, for admins who need the exact values."""
    return json.dumps({"before": event.before, "after": event.after}, ensure_ascii=False, indent=1, sort_keys=True)


async def detail(session: AsyncSession, principal: Principal, ticket: Ticket, now: datetime) -> dict[str, Any]:
    origin = Status(ticket.status)
    return {
        "ticket": ticket,
        "flags": flags(ticket, now),
        "first_response": first_response(ticket.first_response_due_at, ticket.first_responded_at, now),
        "comments": await tickets.comments_of(session, ticket),
        "events": await audit.events_for(session, "ticket", ticket.reference),
        "targets": tickets.transition_options(principal, ticket),
        "outcomes": sorted(outcome.value for outcome in allowed_outcomes(origin)),
        "assignees": await tickets.eligible_assignees(session, ticket)
        if may(principal, Action.TICKET_ASSIGN, ticket)
        else [],
        "item_states": [state.value for state in ItemState],
        "reason_options": NO_PROSPECT_REASONS,
        "raw_change": raw_change,
        "package": await forwarding.latest_package(session, ticket),
        "notice": await status_notices.latest_notice(session, ticket),
        "can_edit_checklist": may(principal, Action.TICKET_CHECKLIST, ticket),
        "can_assign": may(principal, Action.TICKET_ASSIGN, ticket),
        "can_comment": may(principal, Action.TICKET_COMMENT, ticket),
        "can_assess": may(principal, Action.TICKET_ASSESS, ticket),
        "can_redeliver": may(principal, Action.TICKET_REDELIVER, ticket),
        "can_manage_link": may(principal, Action.TICKET_LINK_CODE, ticket),
    }
