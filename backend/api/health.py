from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sqlalchemy import text

from backend.api.response_docs import answers

health_bp = Blueprint("health", url_prefix="/api/v1")


@health_bp.get("/health", ctx_public=True)
@answers(200, "Health")
async def health(request: Request) -> HTTPResponse:
    """Liveness and database reachability."""
    async with request.app.ctx.sessions() as session:
        await session.execute(text("SELECT 1"))
    return json({"status": "ok", "database": "ok"})
