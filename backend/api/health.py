from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sqlalchemy import text

from backend.services.insights import last_fact_at
from backend.api.response_docs import answers

health_bp = Blueprint("health", url_prefix="/api/v1")


@health_bp.get("/health", ctx_public=True)
@answers(200, "Health")
async def health(request: Request) -> HTTPResponse:
    """Liveness, database reachability, and when the latest conversation fact arrived."""
    async with request.app.ctx.sessions() as session:
        await session.execute(text("SELECT 1"))
        latest = await last_fact_at(session)
    insights = {"last_fact_at": latest.isoformat() if latest else None}
    return json({"status": "ok", "database": "ok", "insights": insights})
