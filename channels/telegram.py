"""Telegram Bot API at `/webhooks/telegram/webhook`, extending Rasa's Telegram connector.

Differences from Rasa's: every update must carry `X-Telegram-Bot-Api-Secret-Token`; the webhook is
registered only with `register_webhook: true` (after the server started, once, with the secret);
button payloads longer than Telegram's 64-byte `callback_data` go through short refs; the user's
`language_code` becomes `metadata.language`; edits, media, stickers and locations get a polite answer.
"""

import hmac
import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import texts
from bot.language import language_from_tag
from channels.channel_credentials import ChannelCredentialsError, flag_value, optional_value, required_values
from channels.connector_store import ConnectorStore, PayloadRefs
from channels.inbound_dedup import RecentDeliveries
from channels.message_limits import MessageLimiter, shared_limiter
from channels.outgoing_http import ProviderCallError, ProviderHttpClient
from channels.erasure import with_erasure
from channels.status_notices.conversations import with_status_notices
from channels.status_notices.store import shared_store
from channels.webhook_requests import json_object

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CALLBACK_DATA_BYTES = 64
MAX_TEXT = 4096
PRIVATE_CHAT = "private"


@dataclass(frozen=True)
class TelegramSettings:
    access_token: str
    secret_token: str
    api_base_url: str = DEFAULT_API_BASE_URL
    webhook_url: str = ""
    register_webhook: bool = False

    def method_url(self, method: str) -> str:
        return f"{self.api_base_url.rstrip('/')}/bot{self.access_token}/{method}"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "TelegramSettings":
        settings = cls(
            **required_values("Telegram", credentials, ["access_token", "secret_token"]),
            api_base_url=optional_value(credentials, "api_base_url", DEFAULT_API_BASE_URL),
            webhook_url=optional_value(credentials, "webhook_url", ""),
            register_webhook=flag_value(credentials, "register_webhook"),
        )
        if settings.register_webhook and not settings.webhook_url:
            raise ChannelCredentialsError("The Telegram channel has register_webhook: true but no webhook_url.")
        return settings


class TelegramApi:
    """The few Bot API methods the connector calls."""

    def __init__(self, settings: TelegramSettings, http: ProviderHttpClient) -> None:
        self._settings = settings
        self._http = http

    async def call(self, method: str, parameters: Dict[str, Any]) -> Any:
        answer = await self._http.request_json(
            "POST", self._settings.method_url(method), json=parameters, purpose=f"Telegram {method}"
        )
        if not (isinstance(answer, dict) and answer.get("ok")):
            raise ProviderCallError(f"Telegram {method}", None)
        return answer.get("result")


def chat_of(recipient_id: str) -> str:
    """Sender ids are `<chat>` for private chats and `<chat>:<user>` for groups; messages go to the chat."""
    return recipient_id.split(":", 1)[0]


class TelegramOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, api: TelegramApi, refs: PayloadRefs) -> None:
        self._api = api
        self._refs = refs

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        text = text.strip()
        for start in range(0, len(text), MAX_TEXT):
            await self._api.call(
                "sendMessage", {"chat_id": chat_of(recipient_id), "text": text[start : start + MAX_TEXT]}
            )

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """One inline button per row, so long (German) titles stay readable on phones."""
        keyboard = [
            [{"text": str(button["title"]), "callback_data": self._refs.encode(str(button["payload"]))}]
            for button in buttons
            if button.get("title") and button.get("payload")
        ]
        await self._api.call(
            "sendMessage",
            {
                "chat_id": chat_of(recipient_id),
                "text": text.strip() or texts.text("choose_prompt", None),
                "reply_markup": {"inline_keyboard": keyboard},
            },
        )

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._api.call("sendPhoto", {"chat_id": chat_of(recipient_id), "photo": image})

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """`{"text": ..., <sendMessage options>}` goes out with sendMessage; other custom JSON is not sent."""
        if isinstance(json_message.get("text"), str):
            await self._api.call("sendMessage", {**json_message, "chat_id": chat_of(recipient_id)})
        else:
            logger.info("Custom JSON without text was not sent to Telegram")

    async def answer_button_press(self, callback_query_id: str) -> None:
        await self._api.call("answerCallbackQuery", {"callback_query_id": callback_query_id})


class TelegramInput(RasaTelegramInput):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        return cls(TelegramSettings.from_credentials(credentials))

    def __init__(
        self,
        settings: TelegramSettings,
        store: Optional[ConnectorStore] = None,
        http: Optional[ProviderHttpClient] = None,
        limiter: Optional[MessageLimiter] = None,
    ) -> None:
        super().__init__(settings.access_token, None, settings.webhook_url or None, debug_mode=False)
        self.settings = settings
        self.http = http or ProviderHttpClient()
        self.api = TelegramApi(settings, self.http)
        self.refs = PayloadRefs(store or ConnectorStore.shared(), MAX_CALLBACK_DATA_BYTES)
        self.deliveries = RecentDeliveries(self.name())
        self.limiter = limiter or shared_limiter()

    def get_output_channel(self) -> TelegramOutput:
        """Unlike Rasa's, creating the output channel never (re-)registers the webhook."""
        return TelegramOutput(self.api, self.refs)

    async def register_webhook(self) -> None:
        await self.api.call(
            "setWebhook",
            {
                "url": self.settings.webhook_url,
                "secret_token": self.settings.secret_token,
                "allowed_updates": ["message", "edited_message", "callback_query"],
            },
        )
        logger.info("Telegram webhook registered")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            secret = (request.headers.get(SECRET_HEADER) or "").encode("utf-8")
            if not hmac.compare_digest(secret, self.settings.secret_token.encode("utf-8")):
                logger.warning("Rejected Telegram update: secret token missing or wrong")
                return response.text("unauthorized", status=HTTPStatus.UNAUTHORIZED)
            update = json_object(request)
            if self.deliveries.first_time(update.get("update_id")):
                try:
                    await self._handle_update(
                        update,
                        with_status_notices(request.app, shared_store(), with_erasure(request.app, on_new_message)),
                    )
                except Exception:  # Telegram would redeliver on an error status; the turn is lost either way
                    logger.exception("Handling a Telegram update failed")
            return response.text("ok")

        @telegram_webhook.listener("after_server_start")
        async def register(*_: Any) -> None:
            if self.settings.register_webhook:
                await self.register_webhook()

        @telegram_webhook.listener("after_server_stop")
        async def close_http(*_: Any) -> None:
            await self.http.close()

        return telegram_webhook

    async def _handle_update(
        self, update: Dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        output = self.get_output_channel()
        if "callback_query" in update:
            await self._handle_button_press(update["callback_query"], output, on_new_message)
        elif "message" in update:
            message = update["message"]
            text = message.get("text")
            if isinstance(text, str) and text.strip():
                await self._to_rasa(
                    text.strip(), message.get("chat") or {}, message.get("from") or {}, output, on_new_message
                )
            else:
                await self._answer_politely(message, "only_text", output)
        elif "edited_message" in update:
            await self._answer_politely(update["edited_message"], "edit_not_read", output)

    async def _handle_button_press(
        self,
        query: Dict[str, Any],
        output: TelegramOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        await output.answer_button_press(str(query.get("id")))
        chat = (query.get("message") or {}).get("chat") or {}
        user = query.get("from") or {}
        payload = self.refs.decode(str(query.get("data") or ""))
        if payload:
            await self._to_rasa(payload, chat, user, output, on_new_message)
        elif chat:
            language = language_from_tag(user.get("language_code"))
            await output.send_text_message(sender_id_for(chat, user), texts.text("choice_expired", language))

    async def _answer_politely(self, message: Dict[str, Any], text_key: str, output: TelegramOutput) -> None:
        user = message.get("from") or {}
        language = language_from_tag(user.get("language_code"))
        await output.send_text_message(sender_id_for(message.get("chat") or {}, user), texts.text(text_key, language))

    async def _to_rasa(
        self,
        text: str,
        chat: Dict[str, Any],
        user: Dict[str, Any],
        output: TelegramOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        language = language_from_tag(user.get("language_code"))
        sender = sender_id_for(chat, user)
        if not await self.limiter.allow(self.name(), sender):
            if await self.limiter.should_tell(self.name(), sender):
                await output.send_text_message(sender, texts.text("slow_down", language))
            return
        await on_new_message(
            UserMessage(
                text,
                output,
                sender,
                input_channel=self.name(),
                metadata={"language": language} if language else None,
            )
        )


def sender_id_for(chat: Dict[str, Any], user: Dict[str, Any]) -> str:
    """A private chat is one conversation; in a group each member gets their own tracker."""
    if chat.get("type", PRIVATE_CHAT) == PRIVATE_CHAT:
        return str(chat.get("id"))
    return f"{chat.get('id')}:{user.get('id')}"
