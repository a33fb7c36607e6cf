"""Ticket routes: thin adapters between HTTP and `backend.services`."""

from pydantic import TypeAdapter
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.api import requests as req
from backend.api.openapi_docs import json_body
from backend.api.response_docs import answers
from backend.domain.permissions import Action
from backend.schemas import (
    AssigneeUpdate,
    ChecklistUpdate,
    CommentCreate,
    NoProspect,
    RerouteRequest,
    SnakeId,
    TicketQuery,
    TicketSubmission,
    TransitionRequest,
)
from backend.services import audit, forwarding, retention, tickets
from backend.services.access import ticket_for
from backend.services.errors import ApiError
from backend.services.ticket_view import comment_json, ticket_json, ticket_status_json

tickets_bp = Blueprint("tickets", url_prefix="/api/v1/tickets")
_checklist_item = TypeAdapter(SnakeId)


@tickets_bp.post("/", ctx_action=Action.TICKET_CREATE, strict_slashes=False)
@json_body(TicketSubmission)
@answers(201, "Ticket")
async def create_ticket(request: Request) -> HTTPResponse:
    """Receive a case from the bot (idempotent on the reference)."""
    submission = req.body(request, TicketSubmission)
    clocks = req.clocks(request)
    async with req.transaction(request) as session:
        ticket, created = await tickets.submit(session, req.principal(request), submission, clocks)
        return json(ticket_json(ticket, clocks.now), status=201 if created else 200)


@tickets_bp.get("/", ctx_action=Action.TICKET_LIST, strict_slashes=False)
@answers(200, "TicketPage")
async def list_tickets(request: Request) -> HTTPResponse:
    """List the tickets the caller's organisation may see, filtered and paginated."""
    filters = req.query(request, TicketQuery)
    now = req.now(request)
    async with req.transaction(request) as session:
        items, total = await tickets.list_tickets(session, req.principal(request), filters, now)
        page = [ticket_json(ticket, now) for ticket in items]
    return json({"items": page, "total": total, "limit": filters.limit, "offset": filters.offset})


@tickets_bp.get("/<reference>", ctx_action=Action.TICKET_READ)
@answers(200, "Ticket")
async def read_ticket(request: Request, reference: str) -> HTTPResponse:
    """One ticket."""
    async with req.transaction(request) as session:
        ticket = await ticket_for(session, req.principal(request), reference, Action.TICKET_READ)
        return json(ticket_json(ticket, req.now(request)))


@tickets_bp.get("/<reference>/status", ctx_action=Action.TICKET_STATUS)
@answers(200, "TicketStatus")
async def ticket_status(request: Request, reference: str) -> HTTPResponse:
    """Status only, for the bot."""
    async with req.transaction(request) as session:
        ticket = await ticket_for(session, req.principal(request), reference, Action.TICKET_STATUS)
        return json(ticket_status_json(ticket))


@tickets_bp.post("/<reference>/transitions", ctx_action=Action.TICKET_TRANSITION)
@json_body(TransitionRequest)
@answers(200, "Ticket")
async def transition(request: Request, reference: str) -> HTTPResponse:
    """Move the ticket to another status."""
    change = req.body(request, TransitionRequest)
    now = req.now(request)
    async with req.transaction(request) as session:
        caller = req.principal(request)
        ticket = await ticket_for(session, caller, reference, Action.TICKET_TRANSITION)
        await forwarding.change_status(session, caller, ticket, change, now)
        return json(ticket_json(ticket, now))


@tickets_bp.put("/<reference>/checklist/<item>", ctx_action=Action.TICKET_CHECKLIST)
@json_body(ChecklistUpdate)
@answers(200, "Ticket")
async def set_checklist_item(request: Request, reference: str, item: str) -> HTTPResponse:
    """Set the state of one checklist item (adds the item if the case lacked it)."""
    update = req.body(request, ChecklistUpdate)
    now = req.now(request)
    async with req.transaction(request) as session:
        caller = req.principal(request)
        ticket = await ticket_for(session, caller, reference, Action.TICKET_CHECKLIST)
        await tickets.set_checklist_item(
            session, caller, ticket, _checklist_item.validate_python(item), update.state, now
        )
        return json(ticket_json(ticket, now))


@tickets_bp.put("/<reference>/no-prospect", ctx_action=Action.TICKET_ASSESS)
@json_body(NoProspect)
@answers(200, "Ticket")
async def set_no_prospect(request: Request, reference: str) -> HTTPResponse:
    """Record the no-prospect assessment with its reasons."""
    assessment = req.body(request, NoProspect)
    now = req.now(request)
    async with req.transaction(request) as session:
        caller = req.principal(request)
        ticket = await ticket_for(session, caller, reference, Action.TICKET_ASSESS)
        tickets.set_no_prospect(session, caller, ticket, assessment, now)
        return json(ticket_json(ticket, now))


@tickets_bp.get("/<reference>/comments", ctx_action=Action.TICKET_READ)
@answers(200, "CommentList")
async def list_comments(request: Request, reference: str) -> HTTPResponse:
    """Internal comments, oldest first."""
    async with req.transaction(request) as session:
        ticket = await ticket_for(session, req.principal(request), reference, Action.TICKET_READ)
        comments = await tickets.comments_of(session, ticket)
        return json({"items": [comment_json(comment) for comment in comments]})


@tickets_bp.post("/<reference>/comments", ctx_action=Action.TICKET_COMMENT)
@json_body(CommentCreate)
@answers(201, "Comment")
async def add_comment(request: Request, reference: str) -> HTTPResponse:
    """Add an internal comment."""
    comment_in = req.body(request, CommentCreate)
    now = req.now(request)
    async with req.transaction(request) as session:
        caller = req.principal(request)
        ticket = await ticket_for(session, caller, reference, Action.TICKET_COMMENT)
        comment = await tickets.add_comment(session, caller, ticket, comment_in.body, now)
        await session.refresh(comment, ["author"])
        return json(comment_json(comment), status=201)


@tickets_bp.put("/<reference>/assignee", ctx_action=Action.TICKET_ASSIGN)
@json_body(AssigneeUpdate)
@answers(200, "Ticket")
async def assign(request: Request, reference: str) -> HTTPResponse:
    """Assign the ticket to a user of the pre-check organisation, or unassign it (null)."""
    assignment = req.body(request, AssigneeUpdate)
    now = req.now(request)
    async with req.transaction(request) as session:
        caller = req.principal(request)
        ticket = await ticket_for(session, caller, reference, Action.TICKET_ASSIGN)
        await tickets.assign(session, caller, ticket, assignment.username, now)
        return json(ticket_json(ticket, now))


@tickets_bp.post("/<reference>/routing", ctx_action=Action.TICKET_REROUTE)
@json_body(RerouteRequest)
@answers(200, "Ticket")
async def reroute(request: Request, reference: str) -> HTTPResponse:
    """Re-route the pre-check to another organisation, with a reason."""
    change = req.body(request, RerouteRequest)
    clocks = req.clocks(request)
    async with req.transaction(request) as session:
        caller = req.principal(request)
        ticket = await ticket_for(session, caller, reference, Action.TICKET_REROUTE)
        await tickets.reroute(session, caller, ticket, change, clocks)
        return json(ticket_json(ticket, clocks.now))


@tickets_bp.get("/<reference>/audit", ctx_action=Action.TICKET_READ)
@answers(200, "AuditTrail")
async def audit_trail(request: Request, reference: str) -> HTTPResponse:
    """The ticket's audit trail (read-only: no route changes it)."""
    async with req.transaction(request) as session:
        ticket = await ticket_for(session, req.principal(request), reference, Action.TICKET_READ)
        events = await audit.events_for(session, "ticket", ticket.reference)
        return json({"items": [audit.event_json(event) for event in events]})


@tickets_bp.post("/<reference>/erasure", ctx_action=Action.TICKET_ERASE)
@answers(200, "Ticket")
async def erase_personal_data(request: Request, reference: str) -> HTTPResponse:
    """Deletion request: remove the case's personal data now (admin)."""
    now = req.now(request)
    async with req.transaction(request) as session:
        caller = req.principal(request)
        ticket = await ticket_for(session, caller, reference, Action.TICKET_ERASE)
        if ticket.personal_data_removed_at is not None:
            raise ApiError(409, "already_removed", "The personal data of this case was already removed.")
        await retention.remove_personal_data(
            session, ticket, retention.RemovalKind.DELETION_REQUEST, caller.username, now
        )
        return json(ticket_json(ticket, now))
