"""The bot's internal webhook for the backend's status notices: `POST /webhooks/status/webhook`.

A genuine, fresh notice (signing.py) is kept once per event id (store.py). When the case was
opened in a channel that can write first (Teams), it is told there at once; otherwise the
conversation hears it before the answer to its next message (`conversations.tell_untold`), and
the widget asks for it while open (`POST /webhooks/rest/untold`, channels/rest.py).
"""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.texts import all_texts
from channels.channel_credentials import ChannelCredentialsError, optional_value, required_values
from channels.status_notices.conversations import agent_of, tell
from channels.status_notices.signing import Refused, verified_event_id
from channels.status_notices.store import Notice, NoticeStore, shared_store
from channels.teams import send_proactive

logger = logging.getLogger(__name__)

DEFAULT_MAX_AGE_SECONDS = 300
REFERENCE_PATTERN = re.compile(r"^LT-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$")
EVENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
PROACTIVE_CHANNELS = ("botframework",)


class InvalidNotice(ValueError):
    pass


class NotDelivered(Exception):
    pass


class ProactiveTeams(OutputChannel):
    """Writes into the Teams conversation stored for the recipient (channels.teams.send_proactive)."""

    @classmethod
    def name(cls) -> Text:
        return "botframework"

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        try:
            delivered = await send_proactive(recipient_id, text)
        except ChannelCredentialsError:  # the case came through Teams, which is not configured now
            delivered = False
        if not delivered:
            raise NotDelivered("Teams did not take the notice")


def parse_notice(body: Any, event_id: str) -> Notice:
    """The notice in a signed body; raises `InvalidNotice` for anything but the documented fields."""
    if not isinstance(body, dict) or set(body) != {"event_id", "reference", "status", "changed_at"}:
        raise InvalidNotice("the body must have exactly event_id, reference, status and changed_at")
    if body["event_id"] != event_id or not EVENT_ID_PATTERN.match(event_id):
        raise InvalidNotice("event_id must match the signed X-Lotse-Event-Id header")
    if not isinstance(body["reference"], str) or not REFERENCE_PATTERN.match(body["reference"]):
        raise InvalidNotice("reference must be a case reference")
    if f"status_{body['status']}" not in all_texts():
        raise InvalidNotice("status is not a known ticket status")
    return Notice(event_id, body["reference"], body["status"], _utc_iso(body["changed_at"]))


def _utc_iso(value: Any) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidNotice("changed_at must be an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise InvalidNotice("changed_at needs an offset")
    return moment.astimezone(timezone.utc).isoformat()


def _error(status: int, code: str) -> HTTPResponse:
    return response.json({"error": {"code": code}}, status=status)


class StatusNoticeInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "status"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        secret = required_values("status notices", credentials, ["secret"])["secret"]
        max_age = int(optional_value(credentials, "max_age_seconds", str(DEFAULT_MAX_AGE_SECONDS)))
        return cls(secret, max_age)

    def __init__(
        self,
        secret: str,
        max_age_seconds: int = DEFAULT_MAX_AGE_SECONDS,
        store: Optional[NoticeStore] = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secret = secret
        self.max_age_seconds = max_age_seconds
        self.store = store or shared_store()
        self.clock = clock

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("status_notice_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.body or b""
            try:
                event_id = verified_event_id(self.secret, request.headers, body, self.clock(), self.max_age_seconds)
                notice = parse_notice(json.loads(body), event_id)
            except Refused as refusal:
                logger.warning("status notice refused: %s", refusal.code)
                return _error(HTTPStatus.UNAUTHORIZED, refusal.code)
            except ValueError as invalid:  # InvalidNotice, or a signed body that is not JSON
                return response.json({"error": {"code": "invalid_notice", "message": str(invalid)}}, status=400)
            if not self.store.accept(notice):
                return response.json({"result": "duplicate"})
            told = await self._tell_at_once(request.app, notice)
            return response.json({"result": "told" if told else "kept"})

        return webhook

    async def _tell_at_once(self, app: Any, notice: Notice) -> bool:
        conversation = self.store.conversation_of(notice.reference)
        agent = agent_of(app)
        if agent is None or conversation is None or conversation.channel not in PROACTIVE_CHANNELS:
            return False
        try:
            return await tell(agent, self.store, conversation.sender_id, notice, ProactiveTeams())
        except NotDelivered:
            return False  # kept: told before the answer to the conversation's next message
