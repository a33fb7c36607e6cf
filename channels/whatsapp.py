"""WhatsApp Business Cloud API (Meta Graph API) at `/webhooks/whatsapp/webhook`.

Incoming: the GET verification handshake, and POSTs whose `X-Hub-Signature-256` must match the raw
body. Meta always gets 200 for a signed POST, whatever its content. Outgoing: text, reply buttons
(≤ 3, titles ≤ 20 characters), lists (≤ 10 rows, titles ≤ 24) or a numbered text whose numbers are
mapped back to the payloads; nothing but templates outside the 24-hour customer-service window.
"""

import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import texts
from channels.channel_credentials import optional_value, required_values
from channels.connector_store import ConnectorStore, PayloadRefs, pseudonymous_key
from channels.inbound_dedup import RecentDeliveries
from channels.message_limits import MessageLimiter, shared_limiter
from channels.outgoing_http import ProviderHttpClient
from channels.erasure import with_erasure
from channels.status_notices.conversations import with_status_notices
from channels.status_notices.store import shared_store

logger = logging.getLogger(__name__)

DEFAULT_GRAPH_BASE_URL = "https://graph.facebook.com"
DEFAULT_GRAPH_VERSION = "v21.0"
SERVICE_WINDOW_SECONDS = 24 * 3600
MAX_BUTTONS, MAX_BUTTON_TITLE = 3, 20
MAX_LIST_ROWS, MAX_ROW_TITLE = 10, 24
MAX_TEXT = 4096
MAX_INTERACTIVE_BODY = 1024
MAX_REPLY_ID_BYTES = 200  # list row ids allow 200, button ids 256: one limit for both
NUMBER_REPLY = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
LANGUAGE_IN_PAYLOAD = re.compile(r'"language"\s*:\s*"(de|en)"')
CHOICES, LANGUAGES, WINDOWS = "whatsapp_choices", "whatsapp_languages", "whatsapp_windows"
Clock = Callable[[], float]


@dataclass(frozen=True)
class WhatsAppSettings:
    access_token: str
    phone_number_id: str
    app_secret: str
    verify_token: str
    graph_base_url: str = DEFAULT_GRAPH_BASE_URL
    graph_version: str = DEFAULT_GRAPH_VERSION
    template_name: str = ""
    template_language: str = "de"

    @property
    def messages_url(self) -> str:
        return f"{self.graph_base_url.rstrip('/')}/{self.graph_version}/{self.phone_number_id}/messages"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "WhatsAppSettings":
        values = required_values(
            "WhatsApp", credentials, ["access_token", "phone_number_id", "app_secret", "verify_token"]
        )
        return cls(
            **values,
            graph_base_url=optional_value(credentials, "graph_base_url", DEFAULT_GRAPH_BASE_URL),
            graph_version=optional_value(credentials, "graph_version", DEFAULT_GRAPH_VERSION),
            template_name=optional_value(credentials, "template_name", ""),
            template_language=optional_value(credentials, "template_language", "de"),
        )


def signature_matches(raw_body: bytes, header: Optional[str], app_secret: str) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :].strip().lower())


class WhatsAppMemory:
    """Per-user state kept between messages, keyed by a hash of the phone number."""

    def __init__(self, store: ConnectorStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def record_inbound(self, user: str) -> None:
        self._store.put(WINDOWS, pseudonymous_key(user), {"last_inbound": self._clock(), "template_sent": False})

    def window_open(self, user: str) -> bool:
        window = self._store.get(WINDOWS, pseudonymous_key(user))
        if not window:
            return False
        return bool(self._clock() - window["last_inbound"] < SERVICE_WINDOW_SECONDS)

    def claim_template(self, user: str) -> bool:
        """True once per closed window: the template is sent at most once until the user writes again."""
        key = pseudonymous_key(user)
        window = self._store.get(WINDOWS, key) or {"last_inbound": 0.0, "template_sent": False}
        if window["template_sent"]:
            return False
        self._store.put(WINDOWS, key, {**window, "template_sent": True})
        return True

    def offer_choices(self, user: str, payloads: List[str]) -> None:
        self._store.put(CHOICES, pseudonymous_key(user), payloads)

    def take_offered_choices(self, user: str) -> List[str]:
        """The payloads offered last; an offer holds for the user's very next message only."""
        key = pseudonymous_key(user)
        payloads = self._store.get(CHOICES, key) or []
        if payloads:
            self._store.put(CHOICES, key, [])
        return payloads

    def language(self, user: str) -> Optional[str]:
        return self._store.get(LANGUAGES, pseudonymous_key(user))

    def note_language_choice(self, user: str, payload: str) -> None:
        """A chosen payload that carries `"language": "de"|"en"` is the user's explicit choice."""
        match = LANGUAGE_IN_PAYLOAD.search(payload)
        if match:
            self._store.put(LANGUAGES, pseudonymous_key(user), match.group(1))


def numbered_choice(text: str, offered: List[str]) -> Optional[str]:
    """The payload of option N when the user answers "N" to a choice."""
    match = NUMBER_REPLY.match(text)
    if match and 1 <= int(match.group(1)) <= len(offered):
        return offered[int(match.group(1)) - 1]
    return None


def choice_shape(body: str, titles: List[str]) -> str:
    """How WhatsApp can show these options: "buttons", "list" or (when neither fits) "numbered" text."""
    interactive = len(titles) >= 1 and len(body) <= MAX_INTERACTIVE_BODY
    if interactive and len(titles) <= MAX_BUTTONS and all(len(t) <= MAX_BUTTON_TITLE for t in titles):
        return "buttons"
    if interactive and len(titles) <= MAX_LIST_ROWS and all(len(t) <= MAX_ROW_TITLE for t in titles):
        return "list"
    return "numbered"


def _chunks(text: str, size: int) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def _options(buttons: List[Dict[str, Any]]) -> List[Tuple[str, str]]:
    return [(str(b["title"]), str(b["payload"])) for b in buttons if b.get("title") and b.get("payload")]


class WhatsAppOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def __init__(
        self, settings: WhatsAppSettings, http: ProviderHttpClient, memory: WhatsAppMemory, refs: PayloadRefs
    ) -> None:
        self._settings = settings
        self._http = http
        self._memory = memory
        self._refs = refs

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in _chunks(text.strip(), MAX_TEXT):
            await self._deliver(recipient_id, {"type": "text", "text": {"body": part, "preview_url": False}})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._deliver(recipient_id, {"type": "image", "image": {"link": image}})

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """A Cloud API message object (with its `type`) is sent as it is; other custom JSON is not."""
        if isinstance(json_message.get("type"), str) and json_message["type"] in json_message:
            await self._deliver(recipient_id, dict(json_message))
        else:
            logger.info("Custom JSON without a WhatsApp message type was not sent")

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        options = _options(buttons)
        self._memory.offer_choices(recipient_id, [payload for _, payload in options])
        language = self._memory.language(recipient_id)
        body = text.strip() or texts.text("choose_prompt", language)
        titles = [title for title, _ in options]
        shape = choice_shape(body, titles)
        if shape == "buttons":
            await self._deliver(recipient_id, self._reply_buttons(body, options))
        elif shape == "list":
            await self._deliver(recipient_id, self._list(body, options, language))
        else:
            await self.send_text_message(recipient_id, self._numbered_text(body, titles, language))

    def _reply_buttons(self, body: str, options: List[Tuple[str, str]]) -> Dict[str, Any]:
        buttons = [
            {"type": "reply", "reply": {"id": self._refs.encode(payload), "title": title}} for title, payload in options
        ]
        return {
            "type": "interactive",
            "interactive": {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}},
        }

    def _list(self, body: str, options: List[Tuple[str, str]], language: Optional[str]) -> Dict[str, Any]:
        rows = [{"id": self._refs.encode(payload), "title": title} for title, payload in options]
        action = {"button": texts.label("list_button", language), "sections": [{"rows": rows}]}
        return {
            "type": "interactive",
            "interactive": {"type": "list", "body": {"text": body}, "action": action},
        }

    @staticmethod
    def _numbered_text(body: str, titles: List[str], language: Optional[str]) -> str:
        lines = [f"{number}. {title}" for number, title in enumerate(titles, start=1)]
        prompt = texts.text("numbered_prompt", language, count=len(titles))
        return "\n\n".join([body, "\n".join(lines), prompt])

    async def _deliver(self, recipient_id: str, message: Dict[str, Any]) -> None:
        if not self._memory.window_open(recipient_id):
            template = self._template_instead(recipient_id)
            if template is None:
                logger.info("Outside the 24-hour window and no template due: message not sent")
                return
            message = template
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": recipient_id,
            **message,
        }
        await self._http.request_json(
            "POST",
            self._settings.messages_url,
            json=body,
            headers={"Authorization": f"Bearer {self._settings.access_token}"},
            purpose="WhatsApp send message",
        )

    def _template_instead(self, recipient_id: str) -> Optional[Dict[str, Any]]:
        if not self._settings.template_name or not self._memory.claim_template(recipient_id):
            return None
        template = {
            "name": self._settings.template_name,
            "language": {"code": self._settings.template_language},
        }
        return {"type": "template", "template": template}


def _incoming_messages(payload: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    """The user messages of a webhook payload; status callbacks (sent/delivered/read) are skipped."""
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            yield from value.get("messages") or []


class WhatsAppInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        return cls(WhatsAppSettings.from_credentials(credentials))

    def __init__(
        self,
        settings: WhatsAppSettings,
        store: Optional[ConnectorStore] = None,
        http: Optional[ProviderHttpClient] = None,
        clock: Clock = time.time,
        limiter: Optional[MessageLimiter] = None,
    ) -> None:
        self.settings = settings
        self.limiter = limiter or shared_limiter()
        self.http = http or ProviderHttpClient()
        store = store or ConnectorStore.shared()
        self.memory = WhatsAppMemory(store, clock)
        self.refs = PayloadRefs(store, MAX_REPLY_ID_BYTES)
        self.deliveries = RecentDeliveries(self.name())

    def get_output_channel(self) -> WhatsAppOutput:
        return WhatsAppOutput(self.settings, self.http, self.memory, self.refs)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        whatsapp_webhook = Blueprint("whatsapp_webhook", __name__)

        @whatsapp_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @whatsapp_webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            args = request.args
            token_ok = hmac.compare_digest(
                (args.get("hub.verify_token") or "").encode("utf-8"),
                self.settings.verify_token.encode("utf-8"),
            )
            if args.get("hub.mode") == "subscribe" and token_ok:
                return response.text(args.get("hub.challenge") or "")
            return response.text("forbidden", status=HTTPStatus.FORBIDDEN)

        @whatsapp_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            raw_body = request.body or b""
            if not signature_matches(raw_body, request.headers.get("X-Hub-Signature-256"), self.settings.app_secret):
                logger.warning("Rejected WhatsApp webhook: signature missing or wrong")
                return response.text("unauthorized", status=HTTPStatus.UNAUTHORIZED)
            await self._handle_payload(
                raw_body, with_status_notices(request.app, shared_store(), with_erasure(request.app, on_new_message))
            )
            return response.text("ok")

        @whatsapp_webhook.listener("after_server_stop")
        async def close_http(*_: Any) -> None:
            await self.http.close()

        return whatsapp_webhook

    async def _handle_payload(self, raw_body: bytes, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        try:
            payload = json.loads(raw_body)
            messages = list(_incoming_messages(payload))
        except (ValueError, AttributeError, TypeError):
            logger.warning("Signed WhatsApp webhook with an unreadable body was ignored")
            return
        for message in messages:
            try:
                await self._handle_message(message, on_new_message)
            except Exception:  # Meta must get its 200; one bad message must not stop the others
                logger.exception("Handling a WhatsApp message failed")

    async def _handle_message(
        self, message: Dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        user = str(message.get("from") or "")
        if not user or not self.deliveries.first_time(message.get("id")):
            return
        self.memory.record_inbound(user)
        output = self.get_output_channel()
        if not await self.limiter.allow(self.name(), user):
            if await self.limiter.should_tell(self.name(), user):
                await output.send_text_message(user, texts.text("slow_down", self.memory.language(user)))
            return
        text = self._user_text(user, message, self.memory.take_offered_choices(user))
        language = self.memory.language(user)
        if text is None:
            await output.send_text_message(user, texts.text("only_text", language))
            return
        metadata = {"language": language} if language else None
        await on_new_message(
            UserMessage(text, output, user, input_channel=self.name(), message_id=message.get("id"), metadata=metadata)
        )

    def _user_text(self, user: str, message: Dict[str, Any], offered: List[str]) -> Optional[str]:
        """What the user said or chose; None for what this bot cannot read (media, reactions, …)."""
        kind = message.get("type")
        if kind == "text":
            typed = str((message.get("text") or {}).get("body") or "").strip()
            return self._chosen(user, numbered_choice(typed, offered)) or typed or None
        if kind == "interactive":
            interactive = message.get("interactive") or {}
            reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
            return self._chosen(user, self.refs.decode(str(reply.get("id") or ""))) or reply.get("title") or None
        if kind == "button":  # quick-reply button of a template message
            button = message.get("button") or {}
            return self._chosen(user, str(button.get("payload") or "")) or button.get("text") or None
        return None

    def _chosen(self, user: str, payload: Optional[str]) -> Optional[str]:
        if payload:
            self.memory.note_language_choice(user, payload)
        return payload or None
