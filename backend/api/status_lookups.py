"""The employer's status lookup through the bot (bot token): reference + the case's e-mail."""

from datetime import timedelta
from typing import Annotated

from pydantic import StringConstraints
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.api import requests as req
from backend.api.openapi_docs import json_body
from backend.api.response_docs import answers
from backend.domain.permissions import Action
from backend.schemas import Reference, Strict
from backend.services.errors import ApiError, not_found
from backend.services.status_lookup import LookupLimits, LookupRefused, Requester, find_owned_ticket
from backend.services.ticket_view import ticket_status_json

status_lookups_bp = Blueprint("status_lookups", url_prefix="/api/v1/status-lookups")


Pseudonym = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class StatusLookup(Strict):
    reference: Reference
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=320)]
    sender: Pseudonym = "-"  # the bot's pseudonym of the conversation
    client: Pseudonym | None = None  # the channel's keyed hash of the client's address, if it has one


@status_lookups_bp.post("/", ctx_action=Action.STATUS_LOOKUP, strict_slashes=False)
@json_body(StatusLookup)
@answers(200, "TicketStatus")
async def look_up_status(request: Request) -> HTTPResponse:
    """Status of a case for its owner: 200 for the right pair, the same 404 for an unknown
    reference or a wrong e-mail, 429 after too many failed proofs for the reference by this
    conversation or client address (or by everyone together, a much higher limit)."""
    lookup = req.body(request, StatusLookup)
    settings = request.app.ctx.settings
    limits = LookupLimits(
        settings.status_lookup_max_failures_per_requester,
        settings.status_lookup_max_failures_per_reference,
        timedelta(minutes=settings.login_failure_window_minutes),
    )
    requester = Requester(lookup.sender, lookup.client)
    try:
        async with req.transaction(request) as session:
            ticket = await find_owned_ticket(
                session, lookup.reference, lookup.email, requester, limits, req.now(request)
            )
            found = ticket_status_json(ticket) if ticket is not None else None
    except LookupRefused:
        raise ApiError(
            429, "too_many_attempts", "Too many failed lookups for this reference; try again later."
        ) from None
    if found is None:
        raise not_found()
    return json(found)
