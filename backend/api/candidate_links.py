"""Candidate link codes: the bot resolves a code (bot token); the pre-check organisation's staff
revoke it or issue a new one. The code is never part of the ticket JSON."""

from datetime import timedelta
from typing import Annotated

from pydantic import StringConstraints
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.api import requests as req
from backend.api.openapi_docs import json_body
from backend.api.response_docs import answers
from backend.domain.permissions import Action
from backend.schemas import Strict
from backend.services import candidate_links
from backend.services.access import ticket_for
from backend.services.errors import ApiError, not_found

candidate_links_bp = Blueprint("candidate_links", url_prefix="/api/v1")


class LinkCodeResolution(Strict):
    # Any short text: a malformed code must get the same answer as an unknown one, not a 422.
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    sender: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    client: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None  # hashed address


def link_limits(request: Request) -> candidate_links.LinkLimits:
    settings = request.app.ctx.settings
    return candidate_links.LinkLimits(
        per_requester=settings.link_max_failures_per_sender,
        window=timedelta(minutes=settings.login_failure_window_minutes),
    )


@candidate_links_bp.post("/candidate-links/resolve", ctx_action=Action.CANDIDATE_LINK_RESOLVE)
@json_body(LinkCodeResolution)
@answers(200, "CandidateView")
async def resolve(request: Request) -> HTTPResponse:
    """The candidate's view (status and their own missing documents) for a link code: 200; the same
    404 for an unknown, revoked or malformed code; 429 after too many wrong codes."""
    asked = req.body(request, LinkCodeResolution)
    try:
        async with req.transaction(request) as session:
            ticket = await candidate_links.resolve(
                session, asked.code, asked.sender, asked.client, link_limits(request), req.now(request)
            )
            view = candidate_links.candidate_view_json(ticket) if ticket is not None else None
    except candidate_links.TooManyWrongCodes:
        raise ApiError(429, "too_many_attempts", "Too many wrong codes; try again later.") from None
    if view is None:
        raise not_found()
    return json(view)


@candidate_links_bp.post("/tickets/<reference>/candidate-link", ctx_action=Action.TICKET_LINK_CODE)
@answers(200, "CandidateLinkCode")
async def regenerate(request: Request, reference: str) -> HTTPResponse:
    """Issue a new link code for the candidate; the previous one stops working at once."""
    async with req.transaction(request) as session:
        caller = req.principal(request)
        ticket = await ticket_for(session, caller, reference, Action.TICKET_LINK_CODE)
        code = await candidate_links.regenerate(session, caller, ticket, req.now(request))
    return json({"reference": reference, "candidate_link_code": code})


@candidate_links_bp.delete("/tickets/<reference>/candidate-link", ctx_action=Action.TICKET_LINK_CODE)
@answers(200, "CandidateLinkCode")
async def revoke(request: Request, reference: str) -> HTTPResponse:
    """Revoke the link code: the candidate can no longer see the case until a new one is issued."""
    async with req.transaction(request) as session:
        caller = req.principal(request)
        ticket = await ticket_for(session, caller, reference, Action.TICKET_LINK_CODE)
        candidate_links.revoke(session, caller, ticket, req.now(request))
    return json({"reference": reference, "candidate_link_code": None})
