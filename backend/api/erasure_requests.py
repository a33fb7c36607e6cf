"""A person's "delete my data", passed on by the bot (bot token) with the references of the cases
its conversation opened (docs/contracts.md, "Erasure requests")."""

from dataclasses import asdict
from typing import Annotated

from pydantic import Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.api import requests as req
from backend.api.openapi_docs import json_body
from backend.api.response_docs import answers
from backend.domain.permissions import Action
from backend.schemas import Reference, Strict
from backend.services.erasure_requests import erase_for_person

erasure_requests_bp = Blueprint("erasure_requests", url_prefix="/api/v1/erasure-requests")


class ErasureRequest(Strict):
    references: Annotated[list[Reference], Field(min_length=1, max_length=50)]


@erasure_requests_bp.post("/", ctx_action=Action.ERASURE_REQUEST, strict_slashes=False)
@json_body(ErasureRequest)
@answers(200, "ErasureOutcome")
async def request_erasure(request: Request) -> HTTPResponse:
    """Erase the personal data of these cases now where they are not forwarded yet; mark forwarded
    ones for staff. 200 with the references sorted into `erased`, `marked_for_staff` and `unknown`."""
    asked = req.body(request, ErasureRequest)
    async with req.transaction(request) as session:
        outcome = await erase_for_person(session, req.principal(request), asked.references, req.now(request))
    return json(asdict(outcome))
