"""Teams connector against the local Bot Framework stand-in, over real HTTP."""

import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Dict, Optional

import aiohttp
import jwt
import pytest
import pytest_asyncio
from rasa_side import ChannelServer, Replies, scripted_replies, serve_channel
from standins.botframework import ISSUER, BotFrameworkStandIn, new_signing_key
from standins.loopback import serve_on_loopback

from channels.connector_store import ConnectorStore
from bot import texts
from channels.outgoing_http import ProviderHttpClient, RetryPolicy
from channels.teams import TeamsConnection, TeamsInput, TeamsSettings, send_proactive
from channels.teams.output import ADAPTIVE_CARD, as_markdown_lines

pytestmark = pytest.mark.asyncio

APP_ID = "0b5e0c3e-1d2f-4a6b-9c8d-7e6f5a4b3c2d"
APP_PASSWORD = "app-secret-for-tests"
TENANT_ID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
BOT = {"id": "28:" + APP_ID, "name": "Lotse"}
PERSONAL = {"id": "a:1pF8Xq3personalchat", "conversationType": "personal", "tenantId": TENANT_ID}
CHANNEL_THREAD = {
    "id": "19:abc123@thread.tacv2;messageid=1700000000001",
    "conversationType": "channel",
    "tenantId": TENANT_ID,
}
GROUP_CHAT = {"id": "19:meeting_groupchat@thread.v2", "conversationType": "groupChat", "tenantId": TENANT_ID}


@dataclass
class TeamsStack:
    standin: BotFrameworkStandIn
    server: ChannelServer
    channel: TeamsInput

    async def post(self, body: Dict[str, Any], token: Optional[str]) -> int:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with aiohttp.ClientSession() as session:
            url = f"{self.server.base_url}/webhooks/botframework/webhook"
            async with session.post(url, json=body, headers=headers) as answer:
                return answer.status

    async def send(self, text: str = "Hallo", **fields: Any) -> int:
        return await self.post(self.activity(text, **fields), self.standin.connector_token())

    def activity(self, text: str = "Hallo", **fields: Any) -> Dict[str, Any]:
        activity = {
            "type": "message",
            "id": f"1700{time.monotonic_ns()}",
            "timestamp": "2026-11-26T10:00:00.000Z",
            "serviceUrl": self.standin.service_url,
            "channelId": "msteams",
            "from": {
                "id": "29:1user-a",
                "name": "Erika Muster",
                "aadObjectId": "6a7b8c9d-0000-4000-8000-00000000000a",
            },
            "conversation": PERSONAL,
            "recipient": BOT,
            "text": text,
            "textFormat": "plain",
            "locale": "de-DE",
            "channelData": {"tenant": {"id": TENANT_ID}},
        }
        activity.update(fields)
        return activity


@asynccontextmanager
async def teams_stack(store: ConnectorStore, replies: Replies = scripted_replies) -> AsyncIterator[TeamsStack]:
    standin = BotFrameworkStandIn(APP_ID, APP_PASSWORD, TENANT_ID)
    async with serve_on_loopback(standin.application()) as base_url:
        standin.base_url = base_url
        settings = TeamsSettings(APP_ID, APP_PASSWORD, TENANT_ID, base_url, standin.openid_metadata_url)
        http = ProviderHttpClient(timeout_seconds=5, retry=RetryPolicy(attempts=3, base_delay_seconds=0.01))
        channel = TeamsInput(TeamsConnection(settings, store, http))
        async with serve_channel(channel, replies) as server:
            yield TeamsStack(standin, server, channel)


@pytest_asyncio.fixture
async def teams(store: ConnectorStore) -> AsyncIterator[TeamsStack]:
    async with teams_stack(store) as stack:
        yield stack


async def test_valid_activity_is_answered_with_a_token_from_the_tenant_endpoint(teams: TeamsStack) -> None:
    assert await teams.send("Hallo Lotse") == 200
    assert [m.text for m in teams.server.received] == ["Hallo Lotse"]
    [reply] = teams.standin.activities
    assert reply.conversation_id == PERSONAL["id"]
    assert reply.authorization == f"Bearer {teams.standin.issued_tokens[0]}"
    assert reply.activity["text"] == "echo: Hallo Lotse"
    assert reply.activity["from"]["id"] == BOT["id"]
    assert reply.activity["recipient"]["id"] == "29:1user-a"


async def test_outgoing_token_is_cached_until_expiry(teams: TeamsStack) -> None:
    for text in ("eins", "zwei", "drei"):
        assert await teams.send(text) == 200
    assert len(teams.standin.activities) == 3
    assert len(teams.standin.issued_tokens) == 1


async def test_send_is_retried_after_429_and_503(teams: TeamsStack) -> None:
    teams.standin.failures_to_serve.extend([429, 503])
    assert await teams.send("bitte antworten") == 200
    assert [a.activity["text"] for a in teams.standin.activities] == ["echo: bitte antworten"]


def _unknown_key_token(standin: BotFrameworkStandIn) -> str:
    claims = {"iss": ISSUER, "aud": APP_ID, "serviceurl": standin.service_url, "exp": int(time.time()) + 600}
    return jwt.encode(claims, new_signing_key(), algorithm="RS256", headers={"kid": "attacker-key"})


def _unsigned_token(standin: BotFrameworkStandIn) -> str:
    claims = {"iss": ISSUER, "aud": APP_ID, "serviceurl": standin.service_url, "exp": int(time.time()) + 600}
    return jwt.encode(
        claims, "a-guessable-shared-secret-of-32-bytes", algorithm="HS256", headers={"kid": "standin-key-1"}
    )


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda s: s.connector_token(signing_key=new_signing_key()), id="forged-signature"),
        pytest.param(lambda s: s.connector_token(expires_in=-600), id="expired"),
        pytest.param(lambda s: s.connector_token(audience="another-bot-id"), id="wrong-audience"),
        pytest.param(lambda s: s.connector_token(service_url="https://attacker.example/"), id="wrong-serviceurl-claim"),
        pytest.param(_unknown_key_token, id="unknown-key"),
        pytest.param(_unsigned_token, id="hs256-not-rs256"),
        pytest.param(lambda s: "not-a-jwt", id="garbage"),
        pytest.param(lambda s: None, id="missing"),
    ],
)
async def test_unauthenticated_activities_get_401_and_are_not_processed(
    teams: TeamsStack, make_token: Callable[[BotFrameworkStandIn], Optional[str]]
) -> None:
    assert await teams.post(teams.activity(), make_token(teams.standin)) == 401
    assert teams.server.received == []
    assert teams.standin.activities == []


async def test_rotated_signing_key_is_fetched_when_an_unknown_kid_arrives(teams: TeamsStack) -> None:
    assert await teams.send("vorher") == 200
    teams.standin.add_key("standin-key-2")
    teams.channel.connection.validator._refetch_interval = 0  # the production default limits refetches to 1/min
    token = teams.standin.connector_token(kid="standin-key-2")
    assert await teams.post(teams.activity("nachher"), token) == 200
    assert [m.text for m in teams.server.received] == ["vorher", "nachher"]
    assert teams.standin.metadata_requests == 2


async def test_bot_mention_is_removed_and_other_mentions_keep_the_name(teams: TeamsStack) -> None:
    entities = [
        {"type": "mention", "text": "<at>Lotse</at>", "mentioned": BOT},
        {
            "type": "mention",
            "text": "<at>Max Beispiel</at>",
            "mentioned": {"id": "29:1user-b", "name": "Max Beispiel"},
        },
        {"type": "clientInfo", "locale": "de-DE"},
    ]
    text = "<at>Lotse</at> wir möchten mit <at>Max Beispiel</at> eine Pflegekraft einstellen"
    assert await teams.send(text, entities=entities, conversation=CHANNEL_THREAD) == 200
    assert teams.server.received[0].text == "wir möchten mit Max Beispiel eine Pflegekraft einstellen"


@pytest.mark.parametrize(
    "locale, language",
    [("de-DE", "de"), ("de-AT", "de"), ("en-US", "en"), ("en-GB", "en"), ("fr-FR", None), (None, None)],
)
async def test_locale_becomes_metadata_language(
    teams: TeamsStack, locale: Optional[str], language: Optional[str]
) -> None:
    assert await teams.send("Hallo", locale=locale) == 200
    metadata = teams.server.received[0].metadata or {}
    assert metadata.get("language") == language


async def test_buttons_are_an_adaptive_card_and_a_click_comes_back_as_the_payload(teams: TeamsStack) -> None:
    assert await teams.send("buttons") == 200
    [card_message] = teams.standin.activities
    [attachment] = card_message.activity["attachments"]
    assert attachment["contentType"] == ADAPTIVE_CARD
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["body"][0]["text"] == "Welche Sprache?"
    actions = card["actions"]
    assert [a["type"] for a in actions] == ["Action.Submit", "Action.Submit"]
    assert [a["title"] for a in actions] == ["Deutsch", "English"]

    click = teams.activity(text=None, value=actions[1]["data"])  # what Teams posts for Action.Submit
    del click["text"]
    assert await teams.post(click, teams.standin.connector_token()) == 200
    assert teams.server.received[-1].text == '/set_language{"language":"en"}'


async def test_custom_adaptive_card_is_passed_through_as_an_attachment(teams: TeamsStack) -> None:
    assert await teams.send("summary") == 200
    [message] = teams.standin.activities
    [attachment] = message.activity["attachments"]
    assert attachment["contentType"] == ADAPTIVE_CARD
    assert attachment["content"]["body"] == [{"type": "TextBlock", "text": "Fall LT-2026-7K3QZD"}]
    assert attachment["content"]["type"] == "AdaptiveCard"


async def test_conversations_do_not_share_trackers(teams: TeamsStack) -> None:
    user_b = {"id": "29:1user-b", "aadObjectId": "6a7b8c9d-0000-4000-8000-00000000000b"}
    other_thread = dict(CHANNEL_THREAD, id="19:abc123@thread.tacv2;messageid=1700000000999")
    await teams.send("1:1")
    await teams.send("thread, user a", conversation=CHANNEL_THREAD)
    await teams.send("thread, user b", conversation=CHANNEL_THREAD, **{"from": user_b})
    await teams.send("other thread, user a", conversation=other_thread)
    await teams.send("group, user a", conversation=GROUP_CHAT)
    await teams.send("group, user b", conversation=GROUP_CHAT, **{"from": user_b})
    await teams.send("1:1 again")
    senders = [m.sender_id for m in teams.server.received]
    assert len(set(senders[:6])) == 6
    assert senders[6] == senders[0]
    assert all(s.startswith("msteams-") and "29:" not in s for s in senders)
    thread_reply = next(a for a in teams.standin.activities if a.activity["text"] == "echo: thread, user a")
    assert thread_reply.conversation_id == CHANNEL_THREAD["id"]


async def test_a_redelivery_is_skipped_but_the_same_message_id_in_another_chat_is_not(teams: TeamsStack) -> None:
    same_millisecond = "1764151200123"  # Teams' message ids are the time in ms, unique only per conversation
    assert await teams.send("1:1", id=same_millisecond) == 200
    assert await teams.send("1:1", id=same_millisecond) == 200  # the Bot Connector retries
    assert await teams.send("group", id=same_millisecond, conversation=GROUP_CHAT) == 200
    assert [m.text for m in teams.server.received] == ["1:1", "group"]


async def test_proactive_notice_reaches_the_stored_conversation(teams: TeamsStack) -> None:
    await teams.send("Ich habe einen Fall angelegt")
    sender_id = teams.server.received[0].sender_id
    delivered = await send_proactive(sender_id, "Ihr Fall LT-2026-7K3QZD ist in Bearbeitung.")
    assert delivered is True
    notice = teams.standin.activities[-1]
    assert notice.conversation_id == PERSONAL["id"]
    assert notice.activity["text"] == "Ihr Fall LT-2026-7K3QZD ist in Bearbeitung."
    assert notice.activity["recipient"]["id"] == "29:1user-a"


async def test_proactive_notice_for_an_unknown_sender_is_not_sent(teams: TeamsStack) -> None:
    assert await send_proactive("msteams-unknown", "Hallo") is False
    assert teams.standin.activities == []


async def test_a_file_without_text_gets_a_polite_answer(teams: TeamsStack) -> None:
    attachment = {"contentType": "image/png", "contentUrl": "https://example.invalid/x.png", "name": "x.png"}
    picture = teams.activity(attachments=[attachment], locale="en-US")
    del picture["text"]
    assert await teams.post(picture, teams.standin.connector_token()) == 200
    assert teams.server.received == []
    assert teams.standin.activities[-1].activity["text"] == texts.text("only_text", "en")


async def test_non_message_activities_are_acknowledged_and_ignored(teams: TeamsStack) -> None:
    update = teams.activity(type="conversationUpdate", membersAdded=[BOT])
    assert await teams.post(update, teams.standin.connector_token()) == 200
    assert teams.server.received == []


def test_every_line_of_an_answer_is_its_own_markdown_paragraph() -> None:
    assert (
        as_markdown_lines("Kosten:\n• 411 €\n• 75 €\n\nQuelle: § 47\n")
        == "Kosten:\n\n• 411 €\n\n• 75 €\n\nQuelle: § 47"
    )


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"channelData": {"tenant": {"id": "11111111-2222-4333-8444-555555555555"}}}, id="other-tenant"),
        pytest.param({"conversation": {**PERSONAL, "tenantId": "11111111-2222-4333-8444-555555555555"}}, id="mixed"),
        pytest.param({"channelData": {}, "conversation": {"id": PERSONAL["id"]}}, id="no-tenant"),
    ],
)
async def test_an_activity_from_another_tenant_is_refused_despite_a_valid_token(
    teams: TeamsStack, fields: Dict[str, Any]
) -> None:
    """Issue 15 P8: a genuine Bot Framework token also comes with activities of other tenants."""
    assert await teams.send("Hallo", **fields) == 403
    assert teams.server.received == [] and teams.standin.activities == []
