"""Authentication and the permission check every route passes through (deny by default)."""

import logging

from sanic import Request
from sanic.response import BaseHTTPResponse, HTTPResponse

from backend.api.errors import error_response
from backend.api.requests import App
from backend.domain.permissions import Action
from backend.services.access import require
from backend.services.accounts import authenticate
from backend.web.auth import authenticate_staff
from backend.web.render import is_staff_path

access_log = logging.getLogger("backend.access")
PUBLIC_BLUEPRINTS = frozenset({"openapi"})  # sanic-ext's OpenAPI document and ReDoc page


def route_action(request: Request) -> Action | None:
    return getattr(request.route.ctx, "action", None) if request.route else None


def is_public(request: Request) -> bool:
    if request.route is None:
        return False
    blueprint = request.route.name.split(".")[1] if request.route.name.count(".") >= 2 else ""
    return bool(getattr(request.route.ctx, "public", False)) or blueprint in PUBLIC_BLUEPRINTS


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def _guard(request: Request) -> HTTPResponse | None:
    if request.route is None or is_public(request):
        return None
    action = route_action(request)
    if action is None:
        return error_response(403, "route_not_protected", "This route declares no permission.")
    if is_staff_path(request):
        return await authenticate_staff(request, action)
    token = bearer_token(request)
    caller = None
    if token is not None:
        async with request.app.ctx.sessions() as session:
            caller = await authenticate(session, token, request.app.ctx.clock())
    if caller is None:
        return error_response(401, "unauthorized", "A valid bearer token is required.")
    request.ctx.principal = caller
    require(caller, action)
    return None


async def _log_access(request: Request, response: BaseHTTPResponse) -> None:
    """Route pattern and status only: concrete paths and query strings may carry names."""
    route = f"/{request.route.path}" if request.route else "<unrouted>"
    access_log.info("%s %s %s", request.method, route, response.status)


def install_guard(app: App) -> None:
    app.register_middleware(_guard, "request")
    app.register_middleware(_log_access, "response")
