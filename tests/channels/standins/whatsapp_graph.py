"""A local Meta Graph API for the WhatsApp Business Cloud API, and Meta's side of the webhook.

`POST /{version}/{phone-number-id}/messages` checks the bearer token and the documented limits of
interactive messages (reply buttons: 1–3, title ≤ 20; list: ≤ 10 rows, row title ≤ 24, button ≤ 20)
and answers like the Cloud API. `notification(...)` builds webhook bodies as Meta sends them and
`signature(...)` the `X-Hub-Signature-256` header for them.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from aiohttp import web

GRAPH_VERSION = "v21.0"
BUSINESS_NUMBER = "4951100000000"


def signature(raw_body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


def notification(
    phone_number_id: str,
    messages: Optional[List[Dict[str, Any]]] = None,
    statuses: Optional[List[Dict[str, Any]]] = None,
) -> bytes:
    """A `whatsapp_business_account` webhook body with the given messages and/or statuses."""
    value: Dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": BUSINESS_NUMBER, "phone_number_id": phone_number_id},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": "Test"}, "wa_id": messages[0]["from"]}]
        value["messages"] = messages
    if statuses:
        value["statuses"] = statuses
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
    }
    return json.dumps(body).encode()


def _interactive_problem(message: Dict[str, Any]) -> Optional[str]:
    interactive = message.get("interactive") or {}
    action = interactive.get("action") or {}
    if not (interactive.get("body") or {}).get("text"):
        return "interactive body text is required"
    if interactive.get("type") == "button":
        buttons = action.get("buttons") or []
        if not 1 <= len(buttons) <= 3:
            return "reply buttons: 1 to 3"
        if any(len(b["reply"]["title"]) > 20 or len(b["reply"]["id"]) > 256 for b in buttons):
            return "button title > 20 or id > 256"
    elif interactive.get("type") == "list":
        rows = [row for section in action.get("sections") or [] for row in section.get("rows") or []]
        if not 1 <= len(rows) <= 10 or len(action.get("button") or "") > 20:
            return "list: 1 to 10 rows, button text ≤ 20"
        if any(len(row["title"]) > 24 or len(row["id"]) > 200 for row in rows):
            return "row title > 24 or id > 200"
    else:
        return "unknown interactive type"
    return None


@dataclass
class GraphApiStandIn:
    access_token: str
    phone_number_id: str
    sent: List[Dict[str, Any]] = field(default_factory=list)

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{version}/{phone_number_id}/messages", self._messages)
        return app

    @staticmethod
    def _error(status: int, code: int, message: str) -> web.Response:
        return web.json_response(
            {"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "standin"}},
            status=status,
        )

    async def _messages(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return self._error(401, 190, "Invalid OAuth access token")
        if (
            request.match_info["phone_number_id"] != self.phone_number_id
            or request.match_info["version"] != GRAPH_VERSION
        ):
            return self._error(400, 100, "Unsupported post request")
        message = await request.json()
        problem = _interactive_problem(message) if message.get("type") == "interactive" else None
        if message.get("messaging_product") != "whatsapp" or not message.get("to") or problem:
            return self._error(400, 131009, f"Parameter value is not valid: {problem}")
        self.sent.append(message)
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": message["to"], "wa_id": message["to"]}],
                "messages": [{"id": f"wamid.standin{len(self.sent)}"}],
            }
        )
