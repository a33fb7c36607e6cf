"""A local Telegram Bot API: `POST /bot<token>/<method>` with Telegram's `{"ok": …}` envelopes.

sendMessage checks text (1–4096 characters) and inline keyboards (callback_data 1–64 bytes, else
`BUTTON_DATA_INVALID`); setWebhook and answerCallbackQuery are recorded.
"""

import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

from aiohttp import web


@dataclass
class TelegramBotApiStandIn:
    access_token: str
    calls: List[Tuple[str, Dict[str, Any]]] = field(default_factory=list)
    _message_ids: "itertools.count[int]" = field(default_factory=lambda: itertools.count(1))

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._method)
        return app

    def calls_of(self, method: str) -> List[Dict[str, Any]]:
        return [parameters for name, parameters in self.calls if name == method]

    @staticmethod
    def _error(code: int, description: str) -> web.Response:
        return web.json_response({"ok": False, "error_code": code, "description": description}, status=code)

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.access_token:
            return self._error(401, "Unauthorized")
        method, parameters = request.match_info["method"], await request.json()
        if method == "sendMessage":
            problem = self._send_message_problem(parameters)
            if problem:
                return self._error(400, f"Bad Request: {problem}")
        self.calls.append((method, parameters))
        return web.json_response({"ok": True, "result": self._result(method, parameters)})

    @staticmethod
    def _send_message_problem(parameters: Dict[str, Any]) -> str:
        if not 1 <= len(parameters.get("text") or "") <= 4096:
            return "message text is empty" if not parameters.get("text") else "message is too long"
        keyboard = (parameters.get("reply_markup") or {}).get("inline_keyboard") or []
        for button in (button for row in keyboard for button in row):
            if not 1 <= len(button.get("callback_data", "").encode("utf-8")) <= 64:
                return "BUTTON_DATA_INVALID"
        return ""

    def _result(self, method: str, parameters: Dict[str, Any]) -> Any:
        if method in {"sendMessage", "sendPhoto"}:
            return {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": int(parameters["chat_id"]), "type": "private"},
                "text": parameters.get("text", ""),
            }
        return True
