"""Sending to Teams: text, buttons as Adaptive Cards, custom Adaptive Cards, images."""

import logging
import re
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import quote

from rasa.core.channels.channel import OutputChannel

from bot import texts
from channels.outgoing_http import ProviderHttpClient
from channels.teams.auth import BotFrameworkTokenSource

ReferenceLookup = Callable[[str], Optional[Dict[str, Any]]]

logger = logging.getLogger(__name__)

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
HERO_CARD = "application/vnd.microsoft.card.hero"
FEEDBACK_TEXT_INPUT = "feedback_text"
ADAPTIVE_CARD_VERSION = "1.4"  # the newest version Teams renders on desktop and mobile alike


def adaptive_card_attachment(card: Dict[str, Any]) -> Dict[str, Any]:
    card = {"type": "AdaptiveCard", "version": ADAPTIVE_CARD_VERSION, **card}
    card.setdefault("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
    return {"contentType": ADAPTIVE_CARD, "content": card}


def choice_card(text: str, buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    """An Adaptive Card whose `Action.Submit` buttons send `{"payload": ...}` back as the activity's value."""
    return adaptive_card_attachment(
        {
            "body": [{"type": "TextBlock", "text": text, "wrap": True}] if text else [],
            "actions": [
                {"type": "Action.Submit", "title": button["title"], "data": {"payload": button["payload"]}}
                for button in buttons
                if button.get("title") and button.get("payload")
            ],
        }
    )


LINE_BREAKS = re.compile(r"\n+")


def as_markdown_lines(text: str) -> str:
    """Teams renders text as markdown, where a single line break joins the lines ("• a • b"):
    every line of the answer becomes its own paragraph."""
    return LINE_BREAKS.sub("\n\n", text.strip())


def feedback_card(offer: Dict[str, Any]) -> Dict[str, Any]:
    """👍 sends at once; 👎 opens one optional line first. Both submit `{"feedback": {..., "value"}}`,
    the line comes as `feedback_text` (channels/teams/connector.py hands both to channels/feedback.py)."""
    language = offer.get("language")
    line = {
        "type": "Input.Text",
        "id": FEEDBACK_TEXT_INPUT,
        "maxLength": 300,
        "placeholder": texts.text("feedback_missing", language),
        "label": texts.text("feedback_missing", language),
    }
    down = {"type": "Action.Submit", "title": texts.label("feedback_send", language)}
    return adaptive_card_attachment(
        {
            "body": [{"type": "TextBlock", "text": texts.text("feedback_question", language), "wrap": True}],
            "actions": [
                {"type": "Action.Submit", "title": "👍", "data": {"feedback": {**offer, "value": "up"}}},
                {
                    "type": "Action.ShowCard",
                    "title": "👎",
                    "card": {
                        "type": "AdaptiveCard",
                        "body": [line],
                        "actions": [{**down, "data": {"feedback": {**offer, "value": "down"}}}],
                    },
                },
            ],
        }
    )


class ConversationUnknown(Exception):
    """No conversation reference is stored for this sender."""


class TeamsOutput(OutputChannel):
    """Writes into the conversation a message came from, or into the one stored for the recipient."""

    @classmethod
    def name(cls) -> str:
        return "botframework"

    def __init__(
        self,
        token_source: BotFrameworkTokenSource,
        http: ProviderHttpClient,
        stored_reference: ReferenceLookup,
        reference: Optional[Dict[str, Any]] = None,
    ) -> None:
        self._stored_reference = stored_reference
        self._reference = reference
        self._token_source = token_source
        self._http = http

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send(recipient_id, {"text": as_markdown_lines(text), "textFormat": "markdown"})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send(recipient_id, {"attachments": [choice_card(text, buttons)]})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send(
            recipient_id,
            {"attachments": [{"contentType": HERO_CARD, "content": {"images": [{"url": image}]}}]},
        )

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """`{"adaptive_card": {...}}` becomes an Adaptive Card, `{"feedback": {...}}` (actions/insights.py)
        the 👍 / 👎 card; anything else is sent as activity fields."""
        if isinstance(json_message.get("feedback"), dict):
            await self._send(recipient_id, {"attachments": [feedback_card(json_message["feedback"])]})
        elif isinstance(json_message.get("adaptive_card"), dict):
            await self._send(recipient_id, {"attachments": [adaptive_card_attachment(json_message["adaptive_card"])]})
        else:
            await self._send(recipient_id, dict(json_message))

    async def _send(self, recipient_id: str, fields: Dict[str, Any]) -> None:
        reference = self._reference or self._stored_reference(recipient_id)
        if reference is None:
            raise ConversationUnknown("no Teams conversation is stored for this recipient")
        activity = {
            "type": "message",
            "from": reference["bot"],
            "recipient": reference["user"],
            "conversation": reference["conversation"],
            **fields,
        }
        url = "{}/v3/conversations/{}/activities".format(
            reference["service_url"].rstrip("/"), quote(reference["conversation"]["id"], safe="")
        )
        await self._http.request_json(
            "POST",
            url,
            json=activity,
            headers={"Authorization": await self._token_source.authorization_header()},
            purpose="Bot Framework send activity",
        )
