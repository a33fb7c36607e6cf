"""Telegram connector against the local Bot API stand-in, over real HTTP."""

import itertools
from dataclasses import dataclass
from typing import Any, AsyncIterator, Dict, Optional

import aiohttp
import pytest
import pytest_asyncio
from rasa_side import ChannelServer, serve_channel
from standins.loopback import serve_on_loopback
from standins.telegram_bot_api import TelegramBotApiStandIn

from channels.connector_store import ConnectorStore
from bot import texts
from channels.outgoing_http import ProviderHttpClient, RetryPolicy
from channels.telegram import TelegramInput, TelegramSettings

pytestmark = pytest.mark.asyncio

ACCESS_TOKEN = "123456789:AAE-test-token-for-the-stand-in"
SECRET = "secret-token-for-tests_1"
CHAT = {"id": 5512345678, "first_name": "Erika", "type": "private"}
USER = {"id": 5512345678, "is_bot": False, "first_name": "Erika", "language_code": "de"}
LONG_PAYLOAD = '/inform{"occupation":"Gesundheits- und Krankenpflegerin","qualification_country":"Türkei"}'
_update_ids = itertools.count(10_000)


@dataclass
class TelegramStack:
    api: TelegramBotApiStandIn
    server: ChannelServer
    channel: TelegramInput

    async def post(self, update: Dict[str, Any], secret: Optional[str] = SECRET) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with aiohttp.ClientSession() as session:
            url = f"{self.server.base_url}/webhooks/telegram/webhook"
            async with session.post(url, json=update, headers=headers) as answer:
                return answer.status

    async def message(self, fields: Dict[str, Any], user: Dict[str, Any] = USER, kind: str = "message") -> int:
        message = {"message_id": 7, "from": user, "chat": CHAT, "date": 1780000000, **fields}
        return await self.post({"update_id": next(_update_ids), kind: message})

    async def text(self, text: str, user: Dict[str, Any] = USER) -> int:
        return await self.message({"text": text}, user)


async def _stack(api: TelegramBotApiStandIn, base_url: str, store: ConnectorStore, **options: Any) -> TelegramInput:
    settings = TelegramSettings(ACCESS_TOKEN, SECRET, base_url, **options)
    http = ProviderHttpClient(timeout_seconds=5, retry=RetryPolicy(attempts=2, base_delay_seconds=0.01))
    return TelegramInput(settings, store, http)


@pytest_asyncio.fixture
async def telegram(store: ConnectorStore) -> AsyncIterator[TelegramStack]:
    api = TelegramBotApiStandIn(ACCESS_TOKEN)
    async with serve_on_loopback(api.application()) as base_url:
        channel = await _stack(api, base_url, store)
        async with serve_channel(channel) as server:
            yield TelegramStack(api, server, channel)


async def test_text_with_the_right_secret_is_answered(telegram: TelegramStack) -> None:
    assert await telegram.text("Hallo") == 200
    [message] = telegram.server.received
    assert (message.text, message.sender_id, message.metadata) == ("Hallo", "5512345678", {"language": "de"})
    assert telegram.api.calls_of("sendMessage") == [{"chat_id": "5512345678", "text": "echo: Hallo"}]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
async def test_wrong_or_missing_secret_gets_401_and_nothing_is_processed(
    telegram: TelegramStack, secret: Optional[str]
) -> None:
    assert (
        await telegram.post(
            {"update_id": 1, "message": {"message_id": 1, "chat": CHAT, "from": USER, "text": "Hallo"}},
            secret,
        )
        == 401
    )
    assert telegram.server.received == [] and telegram.api.calls == []


@pytest.mark.parametrize(
    "language_code, language", [("de", "de"), ("de-AT", "de"), ("en", "en"), ("en-GB", "en"), ("uk", None)]
)
async def test_language_code_becomes_metadata_language(
    telegram: TelegramStack, language_code: str, language: Optional[str]
) -> None:
    await telegram.text("Hallo", {**USER, "language_code": language_code})
    assert (telegram.server.received[0].metadata or {}).get("language") == language


async def test_callback_data_stays_within_64_bytes_and_round_trips(telegram: TelegramStack) -> None:
    assert len(LONG_PAYLOAD.encode("utf-8")) > 64
    output = telegram.channel.get_output_channel()
    buttons = [
        {"title": "Pflegerin", "payload": LONG_PAYLOAD},
        {"title": "Deutsch", "payload": '/set_language{"language":"de"}'},
    ]
    await output.send_text_with_buttons(str(CHAT["id"]), "Welcher Beruf?", buttons)
    [sent] = telegram.api.calls_of("sendMessage")  # the stand-in refuses BUTTON_DATA_INVALID
    keyboard = sent["reply_markup"]["inline_keyboard"]
    data = [row[0]["callback_data"] for row in keyboard]
    assert all(len(d.encode("utf-8")) <= 64 for d in data)
    assert data[1] == '/set_language{"language":"de"}'  # short payloads are sent as they are

    for callback_data in data:
        query = {
            "id": f"cb-{callback_data[:5]}",
            "from": USER,
            "message": {"message_id": 8, "chat": CHAT, "date": 1},
            "chat_instance": "1",
            "data": callback_data,
        }
        assert await telegram.post({"update_id": next(_update_ids), "callback_query": query}) == 200
    assert [m.text for m in telegram.server.received] == [LONG_PAYLOAD, '/set_language{"language":"de"}']
    assert len(telegram.api.calls_of("answerCallbackQuery")) == 2


async def test_unknown_callback_ref_gets_a_polite_answer(telegram: TelegramStack) -> None:
    query = {
        "id": "cb-1",
        "from": USER,
        "message": {"message_id": 8, "chat": CHAT, "date": 1},
        "chat_instance": "1",
        "data": "~ref:000000000000000000000000",
    }
    assert await telegram.post({"update_id": next(_update_ids), "callback_query": query}) == 200
    assert telegram.server.received == []
    assert telegram.api.calls_of("sendMessage")[-1]["text"] == texts.text("choice_expired", "de")


@pytest.mark.parametrize(
    "fields",
    [
        {
            "sticker": {
                "file_id": "CAACAg",
                "file_unique_id": "x",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        {
            "photo": [{"file_id": "AgAC", "file_unique_id": "y", "width": 90, "height": 90}],
            "caption": "Zeugnis",
        },
        {"voice": {"file_id": "AwAC", "file_unique_id": "z", "duration": 3, "mime_type": "audio/ogg"}},
        {"location": {"latitude": 52.37, "longitude": 9.73}},
        {"document": {"file_id": "BQAC", "file_unique_id": "w", "file_name": "cv.pdf"}},
    ],
)
async def test_media_stickers_and_locations_get_a_polite_answer_in_the_users_language(
    telegram: TelegramStack, fields: Dict[str, Any]
) -> None:
    assert await telegram.message(fields, {**USER, "language_code": "en"}) == 200
    assert telegram.server.received == []
    assert telegram.api.calls_of("sendMessage") == [{"chat_id": "5512345678", "text": texts.text("only_text", "en")}]


async def test_edited_message_gets_a_polite_answer(telegram: TelegramStack) -> None:
    assert await telegram.message({"text": "korrigiert", "edit_date": 1780000100}, kind="edited_message") == 200
    assert telegram.server.received == []
    assert telegram.api.calls_of("sendMessage")[-1]["text"] == texts.text("edit_not_read", "de")


async def test_unknown_language_gets_both_languages(telegram: TelegramStack) -> None:
    await telegram.message({"sticker": {"file_id": "x"}}, {"id": 1, "is_bot": False, "first_name": "A"})
    assert telegram.api.calls_of("sendMessage")[-1]["text"] == texts.text("only_text", None)


async def test_group_members_get_their_own_tracker_and_replies_go_to_the_group(
    telegram: TelegramStack,
) -> None:
    group = {"id": -1001234567890, "title": "Personalabteilung", "type": "supergroup"}
    for user_id in (1, 2):
        update = {
            "update_id": next(_update_ids),
            "message": {
                "message_id": user_id,
                "from": {**USER, "id": user_id},
                "chat": group,
                "date": 1,
                "text": "Hallo",
            },
        }
        await telegram.post(update)
    assert [m.sender_id for m in telegram.server.received] == ["-1001234567890:1", "-1001234567890:2"]
    assert {c["chat_id"] for c in telegram.api.calls_of("sendMessage")} == {"-1001234567890"}


async def test_no_webhook_registration_unless_asked(telegram: TelegramStack) -> None:
    assert telegram.api.calls_of("setWebhook") == []


async def test_webhook_is_registered_with_the_secret_when_asked(store: ConnectorStore) -> None:
    api = TelegramBotApiStandIn(ACCESS_TOKEN)
    async with serve_on_loopback(api.application()) as base_url:
        channel = await _stack(
            api,
            base_url,
            store,
            webhook_url="https://lotse.example.org/webhooks/telegram/webhook",
            register_webhook=True,
        )
        async with serve_channel(channel):
            [registration] = api.calls_of("setWebhook")
    assert registration["url"] == "https://lotse.example.org/webhooks/telegram/webhook"
    assert registration["secret_token"] == SECRET
