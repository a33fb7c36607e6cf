"""Answer feedback (issue 17 I2): the widget's `/feedback{…}` on the REST channel and the Teams card's
submit become one `feedback` fact at the backend (stand-in), with the line scrubbed, and never a
dialogue turn; a malformed one is refused politely."""

from typing import Any, AsyncIterator, Dict, List

import aiohttp
import pytest
import pytest_asyncio
from rasa.core.channels.channel import UserMessage
from rasa_side import serve_channel
from test_channel_teams import TeamsStack, teams_stack

import channels.feedback
from channels.connector_store import ConnectorStore
from bot import texts
from channels.feedback import read_payload
from channels.rest import HardenedRestInput
from channels.teams.output import FEEDBACK_TEXT_INPUT
from tests.insights.backend_standin import TOKEN, FactsStandin

pytestmark = pytest.mark.asyncio
OFFER = {"topic": "fee_procedure", "language": "de", "knowledge_version": "2026.11.25-1"}


@pytest_asyncio.fixture
async def backend(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FactsStandin]:
    standin = await FactsStandin().start()
    monkeypatch.setenv("LOTSE_BACKEND_URL", standin.url)
    monkeypatch.setenv("LOTSE_BOT_API_TOKEN", TOKEN)
    monkeypatch.setenv("LOTSE_INSIGHTS_SECRET", "feedback-test-secret")
    monkeypatch.setattr(channels.feedback, "_poster", None)  # one client per event loop
    yield standin
    await standin.stop()


async def post_rest(url: str, message: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"sender": "widget-user-1", "message": message}) as answer:
            return answer.status, await answer.json()


async def test_a_thumbs_down_with_a_line_is_one_scrubbed_fact_and_no_dialogue_turn(backend: FactsStandin) -> None:
    async with serve_channel(HardenedRestInput()) as server:
        url = f"{server.base_url}/webhooks/rest/webhook"
        line = "Die Gebühr für das Visum fehlte, schreiben Sie an max@example.org"
        payload = '/feedback{"value":"down","topic":"fee_procedure","language":"de","knowledge_version":"2026.11.25-1","text":"%s"}'
        status, replies = await post_rest(url, payload % line)
        assert status == 200 and replies == [
            {"recipient_id": "widget-user-1", "text": texts.text("feedback_thanks", "de")}
        ]
        assert await post_rest(url, '/feedback{"value":"up","topic":"steps","language":"en"}') == (
            200,
            [{"recipient_id": "widget-user-1", "text": texts.text("feedback_thanks", "en")}],
        )
        assert server.received == []
    down, up = backend.stored
    assert {k: down[k] for k in ("kind", "value", "topic", "channel", "language", "persona", "knowledge_version")} == {
        "kind": "feedback", "value": "down", "topic": "fee_procedure", "channel": "rest", "language": "de",
        "persona": "employer", "knowledge_version": "2026.11.25-1",
    }  # fmt: skip
    assert down["text"] == "Die Gebühr für das Visum fehlte, schreiben Sie an [e-mail]"
    assert "text" not in up and up["value"] == "up" and "widget-user-1" not in str(backend.stored)


async def test_malformed_feedback_is_refused_with_a_clear_error(backend: FactsStandin) -> None:
    async with serve_channel(HardenedRestInput()) as server:
        url = f"{server.base_url}/webhooks/rest/webhook"
        for message in (
            "/feedback",
            "/feedback{",
            '/feedback{"value":"sideways","topic":"x"}',
            '/feedback{"value":"up"}',
        ):
            status, body = await post_rest(url, message)
            assert status == 400 and body["error"]["code"] == "invalid_feedback"
    assert backend.stored == [] and server.received == []


async def test_a_line_naming_someone_is_dropped_but_the_vote_is_kept() -> None:
    feedback = read_payload('/feedback{"value":"down","topic":"steps","text":"Frau Kowalski hat das nicht verstanden"}')
    assert feedback is not None and feedback.value == "down" and feedback.line is None
    assert read_payload('/feedback{"value":"up","topic":"steps","text":"ignored for up"}').line is None  # type: ignore[union-attr]


def feedback_replies(message: UserMessage) -> List[Dict[str, Any]]:
    return [{"text": "Die Gebühr beträgt …"}, {"custom": {"feedback": OFFER}}]


@pytest_asyncio.fixture
async def teams(store: ConnectorStore, backend: FactsStandin) -> AsyncIterator[TeamsStack]:
    async with teams_stack(store, feedback_replies) as stack:
        yield stack


async def test_teams_offers_a_feedback_card_whose_thumbs_down_submit_becomes_a_fact(
    teams: TeamsStack, backend: FactsStandin
) -> None:
    assert await teams.send("Was kostet das?") == 200
    answer, offer = teams.standin.activities
    card = offer.activity["attachments"][0]["content"]
    up, down = card["actions"]
    assert (up["type"], up["title"], up["data"]) == ("Action.Submit", "👍", {"feedback": {**OFFER, "value": "up"}})
    assert down["type"] == "Action.ShowCard" and down["card"]["body"][0]["id"] == FEEDBACK_TEXT_INPUT
    submit = down["card"]["actions"][0]

    click = teams.activity(value={**submit["data"], FEEDBACK_TEXT_INPUT: "Es fehlte die Frist für die Anerkennung"})
    del click["text"]
    assert await teams.post(click, teams.standin.connector_token()) == 200
    assert [m.text for m in teams.server.received] == ["Was kostet das?"]  # the submit was no dialogue turn
    assert teams.standin.activities[-1].activity["text"] == texts.text("feedback_thanks", "de")
    [fact] = backend.stored
    assert (fact["kind"], fact["value"], fact["channel"], fact["text"]) == (
        "feedback", "down", "teams", "Es fehlte die Frist für die Anerkennung",
    )  # fmt: skip
