"""Issue 15 P7: a per-client message limit on the REST, WhatsApp and Telegram channels. One client
over its limit is refused (429 on REST, a polite text at most once a minute on the messengers) and
nobody else is slowed down; the counters are atomic in memory and in Redis."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from rasa_side import serve_channel
from standins.loopback import serve_on_loopback
from standins.telegram_bot_api import TelegramBotApiStandIn
from standins.whatsapp_graph import GRAPH_VERSION, GraphApiStandIn, notification, signature
from test_channel_telegram import ACCESS_TOKEN, CHAT, SECRET, USER, _update_ids
from test_channel_whatsapp import ManualClock

from channels.connector_store import ConnectorStore
from bot import texts
from channels.message_limits import MessageLimiter
from channels.outgoing_http import ProviderHttpClient, RetryPolicy
from channels.rest import HardenedRestInput
from channels.telegram import TelegramInput, TelegramSettings
from channels.whatsapp import WhatsAppInput, WhatsAppSettings

pytestmark = pytest.mark.asyncio

REDIS = "redis://127.0.0.1:6379/3"


async def post_json(url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.post(url, json=body, headers=headers or {}) as answer:
        text = await answer.text()
        return answer.status, json.loads(text) if text.startswith(("{", "[")) else text


async def test_rest_refuses_an_address_over_its_limit_and_only_that_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOTSE_TRUSTED_PROXIES", "127.0.0.1")
    channel = HardenedRestInput(limiter=MessageLimiter("3/minute"))
    async with serve_channel(channel) as server:
        url = f"{server.base_url}/webhooks/rest/webhook"
        flooding = {"X-Forwarded-For": "203.0.113.9"}
        statuses = [
            (await post_json(url, {"sender": f"throwaway-{n}", "message": "Hallo"}, flooding))[0] for n in range(5)
        ]
        assert statuses == [200, 200, 200, 429, 429]
        status, body = await post_json(url, {"sender": "throwaway-9", "message": "Hallo"}, flooding)
        assert status == 429 and body["error"]["code"] == "too_many_messages"
        other = await post_json(url, {"sender": "candidate", "message": "Hallo"}, {"X-Forwarded-For": "198.51.100.7"})
        assert other[0] == 200
        assert len(server.received) == 4


@pytest_asyncio.fixture
async def telegram_api() -> AsyncIterator[tuple[TelegramBotApiStandIn, str]]:
    api = TelegramBotApiStandIn(ACCESS_TOKEN)
    async with serve_on_loopback(api.application()) as base_url:
        yield api, base_url


async def test_telegram_refuses_a_flooding_chat_politely_once_and_serves_the_others(
    telegram_api: tuple[TelegramBotApiStandIn, str], store: ConnectorStore
) -> None:
    api, base_url = telegram_api
    http = ProviderHttpClient(timeout_seconds=5, retry=RetryPolicy(attempts=2, base_delay_seconds=0.01))
    channel = TelegramInput(TelegramSettings(ACCESS_TOKEN, SECRET, base_url), store, http, MessageLimiter("3/minute"))
    async with serve_channel(channel) as server:
        url = f"{server.base_url}/webhooks/telegram/webhook"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

        async def text(chat: dict[str, Any], user: dict[str, Any]) -> None:
            message = {"message_id": 7, "from": user, "chat": chat, "date": 1780000000, "text": "Hallo"}
            assert (await post_json(url, {"update_id": next(_update_ids), "message": message}, headers))[0] == 200

        for _ in range(6):
            await text(CHAT, USER)
        other = {"id": 777, "type": "private"}
        await text(other, {**USER, "id": 777})
    assert [message.sender_id for message in server.received] == ["5512345678"] * 3 + ["777"]
    slow_down = [call for call in api.calls_of("sendMessage") if call["text"] == texts.text("slow_down", "de")]
    assert slow_down == [{"chat_id": "5512345678", "text": texts.text("slow_down", "de")}]


async def test_whatsapp_refuses_a_flooding_number_and_serves_the_others(store: ConnectorStore) -> None:
    graph = GraphApiStandIn("graph-token", "106540352242922")
    async with serve_on_loopback(graph.application()) as base_url:
        settings = WhatsAppSettings("graph-token", "106540352242922", "app-secret", "verify", base_url, GRAPH_VERSION)
        http = ProviderHttpClient(timeout_seconds=5, retry=RetryPolicy(attempts=2, base_delay_seconds=0.01))
        channel = WhatsAppInput(settings, store, http, ManualClock(), MessageLimiter("3/minute"))
        async with serve_channel(channel) as server:
            url = f"{server.base_url}/webhooks/whatsapp/webhook"

            async def text(number: str) -> None:
                message = {"from": number, "id": f"wamid.{uuid.uuid4().hex}", "timestamp": "1780000000", "type": "text"}
                body = notification("106540352242922", messages=[{**message, "text": {"body": "Hallo"}}])
                headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature(body, "app-secret")}
                async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as answer:
                    assert answer.status == 200

            for _ in range(5):
                await text("4915112345678")
            await text("4915187654321")
    assert [message.sender_id for message in server.received] == ["4915112345678"] * 3 + ["4915187654321"]


@pytest.mark.parametrize("storage", ["memory://", REDIS])
async def test_the_counter_is_atomic_under_parallel_messages(storage: str) -> None:
    limiter = MessageLimiter("10/minute", storage)
    client = f"parallel-{uuid.uuid4().hex}"
    allowed = await asyncio.gather(*(limiter.allow("rest", client) for _ in range(40)))
    assert allowed.count(True) == 10
