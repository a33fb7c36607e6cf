"""The ticket as JSON for staff (shared/interfaces.md: Backend API)."""

from datetime import datetime
from typing import Any

from backend.database.models import Comment, Ticket
from backend.domain.deadlines import first_response, statutory_clocks
from backend.domain.statuses import Status


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _statutory_clocks(ticket: Ticket) -> dict[str, Any] | None:
    if ticket.forwarded_at is None or ticket.status not in (Status.FORWARDED, Status.CLOSED):
        return None
    return {"informational": True, "forwarded_at": _iso(ticket.forwarded_at), **statutory_clocks()}


def ticket_json(ticket: Ticket, now: datetime) -> dict[str, Any]:
    response = first_response(ticket.first_response_due_at, ticket.first_responded_at, now)
    return {
        "reference": ticket.reference,
        "status": ticket.status,
        "outcome": ticket.outcome,
        "language": ticket.language,
        "case": ticket.case_data,
        "routing": ticket.routing,
        "checklist": [{"item": item.item, "state": item.state} for item in ticket.checklist],
        "no_prospect": {"flag": ticket.no_prospect_flag, "reasons": ticket.no_prospect_reasons},
        "consent": ticket.consent,
        "assignee": ticket.assignee.username if ticket.assignee else None,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "overdue": response.overdue,
        "first_response": {
            "due_at": _iso(response.due_at),
            "responded_at": _iso(response.responded_at),
            "overdue": response.overdue,
        },
        "forwarded_at": _iso(ticket.forwarded_at),
        "closed_at": _iso(ticket.closed_at),
        "statutory_clocks": _statutory_clocks(ticket),
        "personal_data_removed": (
            {"at": _iso(ticket.personal_data_removed_at), "kind": ticket.personal_data_removal_kind}
            if ticket.personal_data_removed_at
            else None
        ),
        "erasure_requested_at": _iso(ticket.erasure_requested_at),
    }


def ticket_status_json(ticket: Ticket) -> dict[str, Any]:
    return {"reference": ticket.reference, "status": ticket.status, "updated_at": _iso(ticket.updated_at)}


def comment_json(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "author": comment.author.username,
        "body": None if comment.body_removed else comment.body,
        "body_removed": comment.body_removed,
        "created_at": _iso(comment.created_at),
    }
