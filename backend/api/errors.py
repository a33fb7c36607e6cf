"""API errors as JSON `{"error": {"code", "message", "details"}}`, never with a traceback."""

import logging
import traceback
from typing import Any

from pydantic import ValidationError
from sanic import Request
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, json

from backend.api.requests import App
from backend.services.errors import ApiError
from backend.web.render import error_page, is_staff_path

log = logging.getLogger("backend.errors")


def error_response(status: int, code: str, message: str, details: list[Any] | None = None) -> HTTPResponse:
    return json({"error": {"code": code, "message": message, "details": details or []}}, status=status)


def validation_details(error: ValidationError) -> list[dict[str, Any]]:
    """Location, message and type of each problem; the submitted values are left out (personal data)."""
    return [
        {"loc": [str(part) for part in item["loc"]], "msg": item["msg"], "type": item["type"]}
        for item in error.errors(include_url=False, include_input=False, include_context=False)
    ]


SANIC_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def register_error_handlers(app: App) -> None:
    @app.exception(ApiError)
    async def _api_error(request: Request, error: ApiError) -> HTTPResponse:
        if is_staff_path(request):
            return error_page(request, error.status)
        return error_response(error.status, error.code, error.message, error.details)

    @app.exception(ValidationError)
    async def _validation_error(request: Request, error: ValidationError) -> HTTPResponse:
        if is_staff_path(request):
            return error_page(request, 422)
        return error_response(422, "validation_failed", "The request is not valid.", validation_details(error))

    @app.exception(SanicException)
    async def _sanic_error(request: Request, error: SanicException) -> HTTPResponse:
        status = error.status_code
        if status >= 500:
            return _internal_error(request, error)
        if is_staff_path(request):
            return error_page(request, status)
        return error_response(status, SANIC_CODES.get(status, "http_error"), _public_message(error))

    @app.exception(Exception)
    async def _unexpected(request: Request, error: Exception) -> HTTPResponse:
        return _internal_error(request, error)


def _public_message(error: SanicException) -> str:
    return str(error.message) if error.quiet or error.status_code < 500 else "Error."


def _internal_error(request: Request, error: BaseException) -> HTTPResponse:
    """Logs where it failed (type, files and lines), not the message: it may quote case data."""
    frames = traceback.extract_tb(error.__traceback__)
    where = " <- ".join(f"{frame.filename}:{frame.lineno} {frame.name}" for frame in reversed(frames[-5:]))
    route = request.route.path if request.route else "?"
    log.error("unhandled %s on %s %s at %s", type(error).__name__, request.method, route, where)
    if is_staff_path(request):
        return error_page(request, 500)
    return error_response(500, "internal_error", "Internal error.")
