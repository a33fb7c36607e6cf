"""Rasa's REST channel, hardened without changing its name or URL (`/webhooks/rest/webhook`).

Refuses malformed requests with 400 and a JSON body instead of falling back to a shared
default conversation, passes on only the metadata Lotse uses (plus a keyed hash of the client's
address for the per-address limit on new cases), refuses a client address over its message limit
with 429, and logs no message text. A request whose `X-Request-ID` it answered before gets that answer
again instead of a second turn (channels/replayed_turns.py: nginx passes a POST on to another Rasa server
when the first died during it), and a status notice counts as told only once its answer was written.
"""

from __future__ import annotations

import json
import logging
import re
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage

from bot import texts
from bot.language import normalise_language
from channels.client_address import ClientKeys
from channels.erasure import carry_out_erasure
from channels.feedback import is_feedback, read_payload, record
from channels.message_limits import MessageLimiter, shared_limiter
from channels.start_objects import after_server_start
from channels.replayed_turns import replay, request_id, seen_requests
from channels.status_notices.conversations import agent_of, settle, tell_untold
from channels.status_notices.store import Notice, shared_store
from channels.webhook_requests import json_object

logger = logging.getLogger(__name__)

SENDER_PATTERN = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")
DEFAULT_MAX_MESSAGE_LENGTH = 2000


class InvalidRequest(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _error(status: int, code: str, message: str) -> HTTPResponse:
    return response.json({"error": {"code": code, "message": message}}, status=status)


async def answer_then_settle(request: Request, messages: List[Dict[str, Any]], notices: List[Notice]) -> None:
    """Writes the answer, then counts its status notices as told; if the connection is gone before the
    answer is written (the client or nginx gave up, the server is stopping), they are released and told
    at the conversation's next turn. A replica killed before this point never confirms: the claims lapse
    (`NoticeStore.claim`). What this cannot see: an answer written to nginx that the client no longer takes."""
    answer = await request.respond(content_type="application/json")
    try:
        await answer.send(json.dumps(messages), end_stream=True)
    except BaseException:  # Sanic raises CancelledError for a closing connection
        settle(shared_store(), notices, delivered=False)
        raise
    settle(shared_store(), notices, delivered=True)


class WholeMessageCollector(CollectingOutputChannel):
    """Keeps a text with paragraphs as one message (Rasa's collector splits it at blank lines)."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text.strip()))


class HardenedRestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(int(credentials.get("max_message_length", DEFAULT_MAX_MESSAGE_LENGTH)))

    def __init__(
        self, max_message_length: int = DEFAULT_MAX_MESSAGE_LENGTH, limiter: Optional[MessageLimiter] = None
    ) -> None:
        self.max_message_length = max_message_length
        self.client_keys = ClientKeys.from_env()
        self.limiter = limiter or shared_limiter()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("hardened_rest_webhook", __name__)
        # every Lotse server has this channel: once its model is loaded, the start's objects are frozen
        webhook.listener("after_server_start")(after_server_start)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Optional[HTTPResponse]:
            try:
                sender, text, metadata = self._parse(request)
            except InvalidRequest as invalid:
                return _error(400, invalid.code, str(invalid))
            metadata["client_key"] = self.client_keys.key(request.ip, request.headers.get("x-forwarded-for"))
            if not await self.limiter.allow(self.name(), metadata["client_key"]):
                return _error(429, "too_many_messages", "Too many messages from this address; please wait a moment.")
            if is_feedback(text):
                return await self._take_feedback(sender, text)
            collector = WholeMessageCollector()
            message_id = request_id(request.headers)
            agent = agent_of(request.app)
            if (
                message_id
                and agent
                and not seen_requests().certainly_new(message_id)
                and await replay(agent, sender, message_id, text, collector)
            ):
                return response.json(collector.messages)  # answered before (a retry): not a second turn
            message = UserMessage(
                text, collector, sender, input_channel=self.name(), message_id=message_id, metadata=metadata
            )
            notices: List[Notice] = []  # told in this answer: they count as told once it went out
            try:
                await tell_untold(request.app, shared_store(), message, notices)
                await on_new_message(message)
                await carry_out_erasure(request.app, sender)
            except CancelledError:
                settle(shared_store(), notices, delivered=False)
                logger.error("rest: handling a message timed out")
                return _error(503, "timeout", "The assistant took too long to answer. Please try again.")
            except Exception as error:  # the user gets an answer, the log no message text
                settle(shared_store(), notices, delivered=False)
                logger.error("rest: handling a message failed (%s)", type(error).__name__)
                return _error(500, "internal_error", "The assistant could not answer. Please try again.")
            await answer_then_settle(request, collector.messages, notices)
            return None

        @webhook.route("/untold", methods=["POST"])
        async def untold(request: Request) -> Optional[HTTPResponse]:
            """The widget, while open, asks for status notices its conversation has not heard yet."""
            sender = json_object(request).get("sender")
            if not isinstance(sender, str) or not SENDER_PATTERN.match(sender):
                return _error(400, "invalid_sender", "'sender' must be a string of 1-128 letters, digits or ._:@-")
            collector = WholeMessageCollector()
            asking = UserMessage(None, collector, sender, input_channel=self.name())
            notices: List[Notice] = []
            try:
                await tell_untold(request.app, shared_store(), asking, notices)
            except BaseException:
                settle(shared_store(), notices, delivered=False)
                raise
            await answer_then_settle(request, collector.messages, notices)
            return None

        return webhook

    async def _take_feedback(self, sender: str, text: str) -> HTTPResponse:
        """👍 / 👎 under an answer: stored as a fact, answered with a thank-you, never a dialogue turn."""
        feedback = read_payload(text)
        if feedback is None:
            return _error(400, "invalid_feedback", "feedback needs 'value' (up|down) and 'topic'")
        await record(feedback, sender, self.name())
        return response.json([{"recipient_id": sender, "text": texts.text("feedback_thanks", feedback.language)}])

    def _parse(self, request: Request) -> tuple[str, str, Dict[str, Any]]:
        body = self._json_object(request)
        sender, text = body.get("sender"), body.get("message")
        if not isinstance(sender, str) or not SENDER_PATTERN.match(sender):
            raise InvalidRequest("invalid_sender", "'sender' must be a string of 1-128 letters, digits or ._:@-")
        if not isinstance(text, str) or not text.strip():
            raise InvalidRequest("invalid_message", "'message' must be a non-empty string")
        if len(text) > self.max_message_length:
            raise InvalidRequest("message_too_long", f"'message' is longer than {self.max_message_length} characters")
        return sender, text, self._metadata(body.get("metadata"))

    @staticmethod
    def _json_object(request: Request) -> Dict[str, Any]:
        try:
            body = request.json
        except Exception:  # Sanic raises its own error type for malformed JSON
            body = None
        if not isinstance(body, dict):
            raise InvalidRequest("invalid_body", "the body must be a JSON object")
        return body

    @staticmethod
    def _metadata(raw: Any) -> Dict[str, Any]:
        if raw is not None and not isinstance(raw, dict):
            raise InvalidRequest("invalid_metadata", "'metadata' must be an object")
        language = normalise_language((raw or {}).get("language"))
        return {"language": language} if language else {}
