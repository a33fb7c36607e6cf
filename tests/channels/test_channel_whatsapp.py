"""WhatsApp connector against the local Graph API stand-in, over real HTTP."""

import json
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Dict, List, Optional

import aiohttp
import pytest
import pytest_asyncio
from rasa_side import ChannelServer, serve_channel
from standins.loopback import serve_on_loopback
from standins.whatsapp_graph import GRAPH_VERSION, GraphApiStandIn, notification, signature

from channels.connector_store import ConnectorStore
from bot import texts
from channels.outgoing_http import ProviderHttpClient, RetryPolicy
from channels.whatsapp import WhatsAppInput, WhatsAppSettings

pytestmark = pytest.mark.asyncio

ACCESS_TOKEN = "graph-token-for-tests"
PHONE_NUMBER_ID = "106540352242922"
APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-token-for-tests"
USER = "4915112345678"
DAY = 24 * 3600


@dataclass
class ManualClock:
    now: float = 1_780_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class WhatsAppStack:
    graph: GraphApiStandIn
    server: ChannelServer
    clock: ManualClock
    message_ids: List[str] = field(default_factory=list)

    @property
    def webhook(self) -> str:
        return f"{self.server.base_url}/webhooks/whatsapp/webhook"

    async def post(self, raw_body: bytes, signature_header: Optional[str]) -> int:
        headers = {"Content-Type": "application/json"}
        if signature_header is not None:
            headers["X-Hub-Signature-256"] = signature_header
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook, data=raw_body, headers=headers) as answer,
        ):
            return answer.status

    async def receive(self, message_type: str, content: Dict[str, Any]) -> int:
        message_id = f"wamid.in{len(self.message_ids)}"
        self.message_ids.append(message_id)
        message = {
            "from": USER,
            "id": message_id,
            "timestamp": str(int(self.clock.now)),
            "type": message_type,
            message_type: content,
        }
        body = notification(PHONE_NUMBER_ID, messages=[message])
        return await self.post(body, signature(body, APP_SECRET))

    async def text(self, body: str) -> int:
        return await self.receive("text", {"body": body})


@pytest_asyncio.fixture
async def whatsapp(store: ConnectorStore) -> AsyncIterator[WhatsAppStack]:
    graph = GraphApiStandIn(ACCESS_TOKEN, PHONE_NUMBER_ID)
    clock = ManualClock()
    async with serve_on_loopback(graph.application()) as base_url:
        settings = WhatsAppSettings(
            ACCESS_TOKEN,
            PHONE_NUMBER_ID,
            APP_SECRET,
            VERIFY_TOKEN,
            base_url,
            GRAPH_VERSION,
            template_name="lotse_status_update",
            template_language="de",
        )
        http = ProviderHttpClient(timeout_seconds=5, retry=RetryPolicy(attempts=2, base_delay_seconds=0.01))
        channel = WhatsAppInput(settings, store, http, clock)
        async with serve_channel(channel) as server:
            yield WhatsAppStack(graph, server, clock)


async def test_verification_handshake_echoes_the_challenge_for_the_right_token(
    whatsapp: WhatsAppStack,
) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    async with aiohttp.ClientSession() as session:
        async with session.get(whatsapp.webhook, params=query) as answer:
            assert (answer.status, await answer.text()) == (200, "1158201444")
        async with session.get(whatsapp.webhook, params={**query, "hub.verify_token": "wrong"}) as answer:
            assert answer.status == 403
        async with session.get(whatsapp.webhook, params={**query, "hub.mode": "unsubscribe"}) as answer:
            assert answer.status == 403


@pytest.mark.parametrize("header", [None, "", "sha256=" + "0" * 64, "sha1=abc"])
async def test_forged_or_missing_signature_gets_401_and_nothing_is_processed(
    whatsapp: WhatsAppStack, header: Optional[str]
) -> None:
    body = notification(
        PHONE_NUMBER_ID,
        messages=[{"from": USER, "id": "wamid.x", "timestamp": "1", "type": "text", "text": {"body": "Hallo"}}],
    )
    assert await whatsapp.post(body, header) == 401
    assert whatsapp.server.received == [] and whatsapp.graph.sent == []


async def test_signature_of_another_body_is_refused(whatsapp: WhatsAppStack) -> None:
    signed = notification(
        PHONE_NUMBER_ID,
        messages=[{"from": USER, "id": "wamid.a", "timestamp": "1", "type": "text", "text": {"body": "A"}}],
    )
    tampered = signed.replace(b'"A"', b'"B"')
    assert await whatsapp.post(tampered, signature(signed, APP_SECRET)) == 401
    assert whatsapp.server.received == []


async def test_text_in_text_out(whatsapp: WhatsAppStack) -> None:
    assert await whatsapp.text("Hallo, ich suche eine Pflegefachkraft") == 200
    [message] = whatsapp.server.received
    assert (message.text, message.sender_id, message.metadata) == (
        "Hallo, ich suche eine Pflegefachkraft",
        USER,
        None,
    )
    [sent] = whatsapp.graph.sent
    assert sent == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": USER,
        "type": "text",
        "text": {"body": "echo: Hallo, ich suche eine Pflegefachkraft", "preview_url": False},
    }


async def test_up_to_three_short_buttons_are_reply_buttons_and_a_click_is_the_payload(
    whatsapp: WhatsAppStack,
) -> None:
    await whatsapp.text("buttons")
    [sent] = whatsapp.graph.sent
    interactive = sent["interactive"]
    assert interactive["type"] == "button" and interactive["body"] == {"text": "Welche Sprache?"}
    replies = [button["reply"] for button in interactive["action"]["buttons"]]
    assert [reply["title"] for reply in replies] == ["Deutsch", "English"]

    await whatsapp.receive("interactive", {"type": "button_reply", "button_reply": replies[1]})
    assert whatsapp.server.received[-1].text == '/set_language{"language":"en"}'
    await whatsapp.text("danach")
    assert whatsapp.server.received[-1].metadata == {"language": "en"}  # the explicit choice is remembered


async def test_four_to_ten_options_are_a_list_and_a_row_is_the_payload(whatsapp: WhatsAppStack) -> None:
    await whatsapp.text("options 7")
    interactive = whatsapp.graph.sent[-1]["interactive"]
    assert interactive["type"] == "list"
    rows = interactive["action"]["sections"][0]["rows"]
    assert [row["title"] for row in rows] == [f"Option {n}" for n in range(1, 8)]
    assert interactive["action"]["button"] == "Auswählen / Choose"
    await whatsapp.receive(
        "interactive", {"type": "list_reply", "list_reply": {"id": rows[3]["id"], "title": rows[3]["title"]}}
    )
    assert whatsapp.server.received[-1].text == '/pick{"n":4}'


@pytest.mark.parametrize("request_text", ["options 12", "long titles"])
async def test_too_many_or_too_long_options_fall_back_to_numbered_text(
    whatsapp: WhatsAppStack, request_text: str
) -> None:
    await whatsapp.text(request_text)
    [sent] = whatsapp.graph.sent
    body = sent["text"]["body"]
    assert sent["type"] == "text" and "1. " in body
    assert "/pick" not in body and "/start_intake" not in body  # payloads are never shown
    await whatsapp.text("1")
    expected = '/pick{"n":1}' if request_text.startswith("options") else "/start_intake"
    assert whatsapp.server.received[-1].text == expected


async def test_numbered_reply_only_counts_right_after_the_offer(whatsapp: WhatsAppStack) -> None:
    await whatsapp.text("options 12")
    await whatsapp.text("Moment bitte")
    await whatsapp.text("2")
    assert whatsapp.server.received[-1].text == "2"


@pytest.mark.parametrize(
    "message_type, content",
    [
        ("image", {"mime_type": "image/jpeg", "sha256": "abc", "id": "1234"}),
        ("sticker", {"mime_type": "image/webp", "sha256": "abc", "id": "5678", "animated": False}),
        ("location", {"latitude": 52.37, "longitude": 9.73, "name": "Hannover"}),
        ("reaction", {"message_id": "wamid.out1", "emoji": "👍"}),
        ("audio", {"mime_type": "audio/ogg; codecs=opus", "sha256": "abc", "id": "999", "voice": True}),
        ("document", {"filename": "zeugnis.pdf", "mime_type": "application/pdf", "id": "42"}),
        ("unsupported", {}),
    ],
)
async def test_unsupported_messages_get_a_polite_answer_and_200(
    whatsapp: WhatsAppStack, message_type: str, content: Dict[str, Any]
) -> None:
    assert await whatsapp.receive(message_type, content) == 200
    assert whatsapp.server.received == []
    [sent] = whatsapp.graph.sent
    assert sent["text"]["body"] == texts.text("only_text", None)


async def test_polite_answer_uses_the_language_the_user_chose(whatsapp: WhatsAppStack) -> None:
    await whatsapp.text("buttons")
    reply = whatsapp.graph.sent[-1]["interactive"]["action"]["buttons"][0]["reply"]
    await whatsapp.receive("interactive", {"type": "button_reply", "button_reply": reply})
    await whatsapp.receive("sticker", {"id": "1", "mime_type": "image/webp"})
    assert whatsapp.graph.sent[-1]["text"]["body"] == texts.text("only_text", "de")


async def test_status_callbacks_are_acknowledged_and_ignored(whatsapp: WhatsAppStack) -> None:
    status = {"id": "wamid.out1", "status": "read", "timestamp": "1780000000", "recipient_id": USER}
    body = notification(PHONE_NUMBER_ID, statuses=[status])
    assert await whatsapp.post(body, signature(body, APP_SECRET)) == 200
    assert whatsapp.server.received == [] and whatsapp.graph.sent == []


async def test_signed_but_unreadable_body_is_acknowledged(whatsapp: WhatsAppStack) -> None:
    for body in (b"not json", b"[1, 2]", json.dumps({"entry": "x"}).encode()):
        assert await whatsapp.post(body, signature(body, APP_SECRET)) == 200
    assert whatsapp.server.received == []


async def test_redelivered_message_is_processed_once(whatsapp: WhatsAppStack) -> None:
    message = {"from": USER, "id": "wamid.same", "timestamp": "1", "type": "text", "text": {"body": "Hallo"}}
    body = notification(PHONE_NUMBER_ID, messages=[message])
    for _ in range(2):
        assert await whatsapp.post(body, signature(body, APP_SECRET)) == 200
    assert len(whatsapp.server.received) == 1


async def test_outside_the_24_hour_window_only_the_template_is_sent_once(whatsapp: WhatsAppStack) -> None:
    await whatsapp.text("Hallo")
    output = whatsapp.server.received[0].output_channel
    whatsapp.clock.now += DAY - 60
    await output.send_text_message(USER, "Statusänderung: in Bearbeitung")
    assert whatsapp.graph.sent[-1]["type"] == "text"

    whatsapp.clock.now += 120  # the window has closed
    await output.send_text_message(USER, "Statusänderung: abgeschlossen")
    await output.send_text_message(USER, "Noch eine Nachricht")
    assert [m["type"] for m in whatsapp.graph.sent] == ["text", "text", "template"]
    assert whatsapp.graph.sent[-1]["template"] == {"name": "lotse_status_update", "language": {"code": "de"}}

    await whatsapp.text("Was gibt es Neues?")  # the user's message opens a new window
    assert whatsapp.graph.sent[-1]["type"] == "text"


async def test_without_template_nothing_is_sent_outside_the_window(store: ConnectorStore) -> None:
    graph = GraphApiStandIn(ACCESS_TOKEN, PHONE_NUMBER_ID)
    clock = ManualClock()
    async with serve_on_loopback(graph.application()) as base_url:
        settings = WhatsAppSettings(ACCESS_TOKEN, PHONE_NUMBER_ID, APP_SECRET, VERIFY_TOKEN, base_url, GRAPH_VERSION)
        channel = WhatsAppInput(settings, store, ProviderHttpClient(timeout_seconds=5), clock)
        output = channel.get_output_channel()
        await output.send_text_message(USER, "nie geschrieben")
        channel.memory.record_inbound(USER)
        clock.now += DAY + 1
        await output.send_text_message(USER, "zu spät")
        assert graph.sent == []
