"""Microsoft's side of Teams (tests/channels/standins/botframework.py: OpenID metadata, signing keys,
the tenant's token endpoint, the service URL the bot posts to) served on a loopback port from a
background thread for the whole session, the variables that make the stack start the Teams channel
against it, and a Teams user whose messages reach the bot as signed activities."""

from __future__ import annotations

import asyncio
import itertools
import sys
import threading
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "channels"))

from standins.botframework import BotFrameworkStandIn, ReceivedActivity  # noqa: E402

APP_ID = "0b5e0c3e-1d2f-4a6b-9c8d-7e6f5a4b3c2d"
APP_PASSWORD = "e2e-teams-app-password"
TENANT_ID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
BOT = {"id": f"28:{APP_ID}", "name": "Lotse"}


class TeamsStandIn:
    def __init__(self) -> None:
        self.bot_framework = BotFrameworkStandIn(APP_ID, APP_PASSWORD, TENANT_ID)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: Any = None

    def __enter__(self) -> "TeamsStandIn":
        self._thread.start()
        self.bot_framework.base_url = asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *_: Any) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _serve(self) -> str:
        from aiohttp import web

        self._runner = web.AppRunner(self.bot_framework.application(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        return f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    @property
    def env(self) -> Dict[str, str]:
        return {
            "LOTSE_TEAMS_APP_ID": APP_ID,
            "LOTSE_TEAMS_APP_PASSWORD": APP_PASSWORD,
            "LOTSE_TEAMS_TENANT_ID": TENANT_ID,
            "LOTSE_TEAMS_LOGIN_BASE_URL": self.bot_framework.base_url,
            "LOTSE_TEAMS_OPENID_METADATA_URL": self.bot_framework.openid_metadata_url,
        }

    def posted_to(self, conversation_id: str, since: int = 0) -> List[ReceivedActivity]:
        """What the bot posted into the conversation, in order (`since`: a count of all posted before)."""
        return [a for a in self.bot_framework.activities[since:] if a.conversation_id == conversation_id]


_ids = itertools.count(1)


class TeamsUser:
    """One person in one Teams conversation (a 1:1 chat, or a thread of a team's channel)."""

    def __init__(
        self, bot_url: str, standin: TeamsStandIn, conversation: Dict[str, Any], locale: str, user_id: str = "e2e-user"
    ) -> None:
        self.url = f"{bot_url}/webhooks/botframework/webhook"
        self.standin = standin
        self.conversation = {**conversation, "tenantId": TENANT_ID}
        self.locale = locale
        self.user = {"id": f"29:1{user_id}", "aadObjectId": str(uuid.uuid5(uuid.NAMESPACE_OID, user_id))}

    def activity(self, text: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
        activity: Dict[str, Any] = {
            "type": "message",
            "id": f"1764{next(_ids):09d}",
            "timestamp": "2026-11-26T10:00:00.000Z",
            "serviceUrl": self.standin.bot_framework.service_url,
            "channelId": "msteams",
            "from": {**self.user, "name": "Erika Muster"},
            "conversation": self.conversation,
            "recipient": BOT,
            "locale": self.locale,
            "channelData": {"tenant": {"id": TENANT_ID}},
        }
        if text is not None:
            activity.update(text=text, textFormat="plain")
        activity.update(fields)
        return activity

    def post(self, activity: Dict[str, Any], token: Optional[str] = None) -> httpx.Response:
        """Posts as the Bot Connector does; the answer comes after the bot's replies were posted."""
        token = token or self.standin.bot_framework.connector_token()
        return httpx.post(self.url, json=activity, headers={"Authorization": f"Bearer {token}"}, timeout=60)

    def send(self, activity: Dict[str, Any]) -> List[Dict[str, Any]]:
        """The activities the bot posted into this conversation in answer."""
        before = len(self.standin.bot_framework.activities)
        answer = self.post(activity)
        assert answer.status_code == 200, answer.text
        return [received.activity for received in self.standin.posted_to(self.conversation["id"], before)]

    def say(self, text: str) -> List[Dict[str, Any]]:
        return self.send(self.activity(text))

    def click(self, payload: str) -> List[Dict[str, Any]]:
        """An Adaptive Card's Action.Submit: Teams posts the action's data as the activity's value, no text."""
        return self.send(self.activity(value={"payload": payload}))

    def answer(self, text: str) -> str:
        """Types the text, or clicks the button for a payload (`/intent{…}`), and returns the replies' words."""
        replies = self.click(text) if text.startswith("/") else self.say(text)
        return "\n".join(words(reply) for reply in replies)


def words(activity: Dict[str, Any]) -> str:
    """The lines a user sees of a posted activity, including the text of its Adaptive Cards."""
    parts = [activity.get("text") or ""]
    for attachment in activity.get("attachments") or []:
        body = (attachment.get("content") or {}).get("body") or []
        parts.extend(block.get("text", "") for block in body if block.get("type") == "TextBlock")
    return shown_lines("\n".join(parts))


def shown_lines(text: str) -> str:
    """Markdown shows paragraphs, not blank lines: the text's non-empty lines, one per line."""
    return "\n".join(line for line in text.splitlines() if line.strip())


def card_actions(activity: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [
        action
        for attachment in activity.get("attachments") or []
        for action in (attachment.get("content") or {}).get("actions") or []
    ]
