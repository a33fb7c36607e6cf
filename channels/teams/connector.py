"""Microsoft Teams through the Bot Framework, single-tenant, at `/webhooks/botframework/webhook`."""

import logging
import os
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import texts
from bot.language import language_from_tag
from channels.channel_credentials import optional_value, required_values
from channels.connector_store import ConnectorStore
from channels.feedback import read_fields, record
from channels.inbound_dedup import RecentDeliveries
from channels.outgoing_http import ProviderCallError, ProviderHttpClient
from channels.erasure import with_erasure
from channels.status_notices.conversations import with_status_notices
from channels.status_notices.store import shared_store
from channels.teams.activities import (
    conversation_key,
    conversation_reference,
    delivery_key,
    message_metadata,
    user_text,
)
from channels.teams.auth import BotFrameworkTokenSource, BotFrameworkTokenValidator, TokenRejected, tenant_matches
from channels.teams.output import FEEDBACK_TEXT_INPUT, ConversationUnknown, TeamsOutput
from channels.webhook_requests import json_object

logger = logging.getLogger(__name__)

DEFAULT_LOGIN_BASE_URL = "https://login.microsoftonline.com"
DEFAULT_OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
REFERENCES = "teams_conversation_references"
ENVIRONMENT_VARIABLES = {
    "app_id": "LOTSE_TEAMS_APP_ID",
    "app_password": "LOTSE_TEAMS_APP_PASSWORD",
    "tenant_id": "LOTSE_TEAMS_TENANT_ID",
    "login_base_url": "LOTSE_TEAMS_LOGIN_BASE_URL",
    "openid_metadata_url": "LOTSE_TEAMS_OPENID_METADATA_URL",
}


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str
    app_password: str
    tenant_id: str
    login_base_url: str = DEFAULT_LOGIN_BASE_URL
    openid_metadata_url: str = DEFAULT_OPENID_METADATA_URL

    @property
    def token_url(self) -> str:
        return f"{self.login_base_url.rstrip('/')}/{self.tenant_id}/oauth2/v2.0/token"

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> "TeamsSettings":
        values = required_values("Teams (botframework)", credentials, ["app_id", "app_password", "tenant_id"])
        return cls(
            **values,
            login_base_url=optional_value(credentials, "login_base_url", DEFAULT_LOGIN_BASE_URL),
            openid_metadata_url=optional_value(credentials, "openid_metadata_url", DEFAULT_OPENID_METADATA_URL),
        )

    @classmethod
    def from_environment(cls) -> "TeamsSettings":
        return cls.from_credentials({key: os.environ.get(name) for key, name in ENVIRONMENT_VARIABLES.items()})


class TeamsConnection:
    """What incoming and proactive traffic share: settings, HTTP client, tokens, stored references."""

    def __init__(
        self,
        settings: TeamsSettings,
        store: Optional[ConnectorStore] = None,
        http: Optional[ProviderHttpClient] = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.http = http or ProviderHttpClient()
        self.store = store or ConnectorStore.shared()
        self.tokens = BotFrameworkTokenSource(
            settings.token_url, settings.app_id, settings.app_password, BOT_FRAMEWORK_SCOPE, self.http, clock
        )
        self.validator = BotFrameworkTokenValidator(settings.app_id, settings.openid_metadata_url, self.http, clock)

    def output(self, reference: Optional[Dict[str, Any]] = None) -> TeamsOutput:
        return TeamsOutput(self.tokens, self.http, self.stored_reference, reference)

    def remember(self, sender_id: str, reference: Dict[str, Any]) -> None:
        self.store.put(REFERENCES, sender_id, reference)

    def stored_reference(self, sender_id: str) -> Optional[Dict[str, Any]]:
        return self.store.get(REFERENCES, sender_id)


_active_connection: Optional[TeamsConnection] = None


async def send_proactive(sender_id: str, text: str) -> bool:
    """Delivers `text` into the Teams conversation last seen for `sender_id` (e.g. a status notice).

    Returns False when no conversation is stored for the sender or the Bot Framework refused it.
    Outside the Rasa process the settings come from the LOTSE_TEAMS_* environment variables.
    """
    global _active_connection
    if _active_connection is None:
        _active_connection = TeamsConnection(TeamsSettings.from_environment())
    try:
        await _active_connection.output().send_text_message(sender_id, text)
    except (ConversationUnknown, ProviderCallError) as error:
        logger.warning("Proactive Teams message not delivered: %s", error)
        return False
    return True


class TeamsInput(InputChannel):
    """Validates every activity's JWT, then hands messages to Rasa with a per-conversation sender id."""

    @classmethod
    def name(cls) -> str:
        return "botframework"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        return cls(TeamsConnection(TeamsSettings.from_credentials(credentials)))

    def __init__(self, connection: TeamsConnection) -> None:
        global _active_connection
        self.connection = connection
        self.deliveries = RecentDeliveries(self.name())
        _active_connection = connection

    def get_output_channel(self) -> TeamsOutput:
        return self.connection.output()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        teams_webhook = Blueprint("teams_botframework_webhook", __name__)

        @teams_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @teams_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            activity = json_object(request)
            try:
                await self.connection.validator.validate(request.headers.get("Authorization"), activity)
            except TokenRejected as rejection:
                logger.warning("Rejected Bot Framework request: %s", rejection)
                return response.json({"error": "unauthorized"}, status=HTTPStatus.UNAUTHORIZED)
            if not tenant_matches(activity, self.connection.settings.tenant_id):
                logger.warning("Rejected Bot Framework activity from another tenant")
                return response.json({"error": "forbidden"}, status=HTTPStatus.FORBIDDEN)
            if activity.get("type") == "message" and self.deliveries.first_time(delivery_key(activity)):
                await self._handle_message(
                    activity,
                    with_status_notices(request.app, shared_store(), with_erasure(request.app, on_new_message)),
                )
            return response.json({}, status=HTTPStatus.OK)

        @teams_webhook.listener("after_server_stop")
        async def close_http(*_: Any) -> None:
            await self.connection.http.close()

        return teams_webhook

    async def _handle_message(
        self, activity: Dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        sender_id = conversation_key(activity)
        reference = conversation_reference(activity)
        self.connection.remember(sender_id, reference)
        output = self.connection.output(reference)
        value = activity.get("value")
        if isinstance(value, dict) and isinstance(value.get("feedback"), dict):
            await self._take_feedback(sender_id, output, value)
            return
        text = user_text(activity)
        if text is None:
            if activity.get("attachments"):  # a file or picture without words
                language = language_from_tag(activity.get("locale"))
                await output.send_text_message(sender_id, texts.text("only_text", language))
            return
        message = UserMessage(
            text=text,
            output_channel=output,
            sender_id=sender_id,
            input_channel=self.name(),
            message_id=activity.get("id"),
            metadata=message_metadata(activity),
        )
        try:
            await on_new_message(message)
        except Exception:  # the Bot Framework must still get its answer; the turn is lost either way
            logger.exception("Handling a Teams message failed")

    async def _take_feedback(self, sender_id: str, output: TeamsOutput, value: Dict[str, Any]) -> None:
        """A 👍 / 👎 card submit (channels/teams/output.py feedback_card): a fact and a thank-you, no turn."""
        feedback = read_fields({**value["feedback"], "text": value.get(FEEDBACK_TEXT_INPUT) or None})
        if feedback is None:
            return
        await record(feedback, sender_id, self.name())
        await output.send_text_message(sender_id, texts.text("feedback_thanks", feedback.language))
