"""Reading provider webhook requests."""

from typing import Any, Dict

from sanic.exceptions import InvalidUsage
from sanic.request import Request


def json_object(request: Request) -> Dict[str, Any]:
    """The request's JSON object, or {} for a body that is missing, not JSON or not an object."""
    try:
        body = request.json
    except InvalidUsage:  # the body is not JSON
        return {}
    return body if isinstance(body, dict) else {}
