from datetime import datetime

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sqlalchemy import text

from backend.api import requests as req
from backend.api.response_docs import answers
from backend.services.insights import consumer_health, last_fact_at

health_bp = Blueprint("health", url_prefix="/api/v1")


@health_bp.get("/health", ctx_public=True)
@answers(200, "Health")
async def health(request: Request) -> HTTPResponse:
    """Liveness, database reachability, the latest conversation fact and the insights consumer's backlog."""
    async with request.app.ctx.sessions() as session:
        await session.execute(text("SELECT 1"))
        latest = await last_fact_at(session)
        consumer = await consumer_health(session, req.now(request))
    insights = {
        "last_fact_at": _iso(latest),
        "consumer": consumer.state,
        "source": consumer.source,
        "backlog": consumer.backlog,
        "last_event_at": _iso(consumer.last_event_at),
        "consumer_reported_at": _iso(consumer.reported_at),
    }
    return json({"status": "ok", "database": "ok", "insights": insights})


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
