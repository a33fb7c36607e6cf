"""The bot's event consumer hands in anonymised conversation facts and its own backlog (docs/contracts.md)."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.api import requests as req
from backend.api.openapi_docs import json_body
from backend.api.response_docs import answers
from backend.domain.permissions import Action
from backend.schemas import ConsumerStatus, FactBatch
from backend.services import insights

insights_bp = Blueprint("insights", url_prefix="/api/v1/insights")


@insights_bp.post("/facts", ctx_action=Action.INSIGHTS_REPORT)
@json_body(FactBatch)
@answers(202, "FactsStored")
async def report_facts(request: Request) -> HTTPResponse:
    """Store up to 500 facts; an id already held is counted as a duplicate, not stored again."""
    batch = req.body(request, FactBatch)
    async with req.transaction(request) as session:
        result = await insights.store_facts(session, batch.facts, req.now(request))
    return json({"stored": result.stored, "duplicates": result.duplicates}, status=202)


@insights_bp.put("/consumer-status", ctx_action=Action.INSIGHTS_REPORT)
@json_body(ConsumerStatus)
@answers(200, "ConsumerStatusRecorded")
async def report_consumer_status(request: Request) -> HTTPResponse:
    """The consumer's backlog (queue messages or tracker rows not yet read), shown on GET /api/v1/health."""
    status = req.body(request, ConsumerStatus)
    async with req.transaction(request) as session:
        await insights.record_consumer_status(session, status, req.now(request))
    return json({"recorded": True})
