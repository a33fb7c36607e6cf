"""The WhatsApp Graph API and Telegram Bot API stand-ins (tests/channels/standins) served on
loopback ports from a background thread for the whole session, and the test credentials that make
the stack start both channels against them. Tests post signed webhooks the way Meta and Telegram do."""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "channels"))

from standins.telegram_bot_api import TelegramBotApiStandIn  # noqa: E402
from standins.whatsapp_graph import GraphApiStandIn, notification, signature  # noqa: E402

WHATSAPP_TOKEN = "e2e-graph-token"
WHATSAPP_PHONE_NUMBER_ID = "106540352242922"
WHATSAPP_APP_SECRET = "e2e-app-secret"
WHATSAPP_VERIFY_TOKEN = "e2e-verify-token"
TELEGRAM_TOKEN = "123456:e2e-telegram-token"
TELEGRAM_SECRET = "e2e-telegram-secret_1"


class ChannelStandIns:
    def __init__(self) -> None:
        self.whatsapp = GraphApiStandIn(WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID)
        self.telegram = TelegramBotApiStandIn(TELEGRAM_TOKEN)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runners: List[Any] = []
        self.urls: Dict[str, str] = {}

    def __enter__(self) -> "ChannelStandIns":
        self._thread.start()
        for name, app in (("whatsapp", self.whatsapp.application()), ("telegram", self.telegram.application())):
            self.urls[name] = asyncio.run_coroutine_threadsafe(self._serve(app), self._loop).result(timeout=10)
        return self

    def __exit__(self, *_: Any) -> None:
        for runner in self._runners:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _serve(self, app: Any) -> str:
        from aiohttp import web

        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    @property
    def env(self) -> Dict[str, str]:
        return {
            "LOTSE_WHATSAPP_ACCESS_TOKEN": WHATSAPP_TOKEN,
            "LOTSE_WHATSAPP_PHONE_NUMBER_ID": WHATSAPP_PHONE_NUMBER_ID,
            "LOTSE_WHATSAPP_APP_SECRET": WHATSAPP_APP_SECRET,
            "LOTSE_WHATSAPP_VERIFY_TOKEN": WHATSAPP_VERIFY_TOKEN,
            "LOTSE_WHATSAPP_GRAPH_BASE_URL": self.urls["whatsapp"],
            "LOTSE_TELEGRAM_ACCESS_TOKEN": TELEGRAM_TOKEN,
            "LOTSE_TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
            "LOTSE_TELEGRAM_API_BASE_URL": self.urls["telegram"],
        }


_ids = itertools.count(1)


class WhatsAppUser:
    """A WhatsApp user whose messages reach the bot as Meta's signed webhook notifications."""

    def __init__(self, bot_url: str, standins: ChannelStandIns, phone: str) -> None:
        self.url = f"{bot_url}/webhooks/whatsapp/webhook"
        self.standins = standins
        self.phone = phone

    def say(self, text: str) -> str:
        before = len(self.standins.whatsapp.sent)
        message = {
            "from": self.phone,
            "id": f"wamid.e2e{next(_ids)}",
            "timestamp": "1",
            "type": "text",
            "text": {"body": text},
        }
        raw = notification(WHATSAPP_PHONE_NUMBER_ID, messages=[message])
        headers = {"X-Hub-Signature-256": signature(raw, WHATSAPP_APP_SECRET), "Content-Type": "application/json"}
        httpx.post(self.url, content=raw, headers=headers, timeout=60).raise_for_status()
        replies = [m for m in self.standins.whatsapp.sent[before:] if m["to"] == self.phone]
        return "\n".join(_whatsapp_text(reply) for reply in replies)


def _whatsapp_text(message: Dict[str, Any]) -> str:
    if message.get("type") == "interactive":
        return str(message["interactive"]["body"]["text"])
    return str((message.get("text") or {}).get("body", ""))


class TelegramUser:
    """A Telegram user whose messages reach the bot as updates with the webhook's secret token."""

    def __init__(self, bot_url: str, standins: ChannelStandIns, chat_id: int, language_code: Optional[str]) -> None:
        self.url = f"{bot_url}/webhooks/telegram/webhook"
        self.standins = standins
        self.user = {"id": chat_id, "is_bot": False, "first_name": "Test"}
        if language_code:
            self.user["language_code"] = language_code

    def say(self, text: str) -> str:
        before = len(self.standins.telegram.calls)
        update_id = 500_000 + next(_ids)
        chat = {"id": self.user["id"], "type": "private"}
        update = {
            "update_id": update_id,
            "message": {"message_id": update_id, "date": 0, "chat": chat, "from": self.user, "text": text},
        }
        headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        httpx.post(
            self.url, content=json.dumps(update), headers={**headers, "Content-Type": "application/json"}, timeout=60
        ).raise_for_status()
        sent = [p for name, p in self.standins.telegram.calls[before:] if name == "sendMessage"]
        return "\n".join(str(p["text"]) for p in sent if int(p["chat_id"]) == self.user["id"])
