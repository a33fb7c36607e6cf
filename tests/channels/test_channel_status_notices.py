"""D19/E11: the backend's status notices reach the conversation that opened the case.

The webhook, the REST and the Teams channel run on a real Sanic server with a real Rasa agent
(in-memory tracker and lock store) whose model is trained here from the shipped rule for notices
(stories/rules.yml, "tell a status notice") with RulePolicy alone, calling the real action server
(actions.server, the `actions.status` actions) over HTTP: a notice enters the conversation as
Rasa's external intent `EXTERNAL_status_notice` and the bot's action says it. For the users' own
messages a tiny scripted responder stands in for the trained bot and registers a case the way the
intake action does (the `case_reference` slot). Teams is the local Bot Framework stand-in.
"""

import asyncio
import json
import socket
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List, Optional, Tuple

import aiohttp
import pytest
import pytest_asyncio
import yaml
from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.model_training import train_core
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sanic import Sanic
from standins.botframework import BotFrameworkStandIn
from standins.loopback import serve_on_loopback

from channels.channel_credentials import ChannelCredentialsError
from channels.outgoing_http import ProviderHttpClient, RetryPolicy
from channels.rest import HardenedRestInput
from channels.status_notices.channel import StatusNoticeInput
from channels.status_notices.signing import signature
from channels.status_notices.store import Notice, NoticeStore, shared_store
from actions.server import create_guarded_app
from channels.teams import TeamsConnection, TeamsInput, TeamsSettings

pytestmark = pytest.mark.asyncio

SECRET = "notice-secret-for-tests"
REFERENCE = "LT-2026-7K3QZD"
OTHER_REFERENCE = "LT-2026-AB12CD"
REPO = Path(__file__).resolve().parents[2]
ACTION_SECRET = "action-secret-for-tests"
NOTICE_RULE = "tell a status notice"
APP_ID, APP_PASSWORD = "0b5e0c3e-1d2f-4a6b-9c8d-7e6f5a4b3c2d", "app-secret-for-tests"
TENANT_ID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"


def shipped(path: str) -> Any:
    return yaml.safe_load((REPO / path).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def notice_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A core model of the shipped notice rule, the intent, the action and the two slots it reads."""
    folder = tmp_path_factory.mktemp("notice_model")
    domain = shipped("domain.yml")
    [rule] = [rule for rule in shipped("stories/rules.yml")["rules"] if rule["rule"] == NOTICE_RULE]
    files = {
        "domain.yml": {
            "version": "3.1",
            "intents": ["EXTERNAL_status_notice"],
            "slots": {slot: domain["slots"][slot] for slot in ("language", "case_reference")},
            "actions": ["action_tell_status_notice"],
        },
        "rules.yml": {"version": "3.1", "rules": [rule]},
        "config.yml": {
            "recipe": "default.v1",
            "assistant_id": "test",
            "language": "de",
            "pipeline": [],
            "policies": [{"name": "RulePolicy"}],
        },
    }
    for name, content in files.items():
        (folder / name).write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    model = train_core(
        str(folder / "domain.yml"), str(folder / "config.yml"), str(folder / "rules.yml"), str(folder / "models")
    )
    assert model, "the notice model did not train"
    return model


@pytest_asyncio.fixture
async def action_server() -> AsyncIterator[EndpointConfig]:
    """The real action server (guarded by its secret) with the status actions, on loopback."""
    async with served(create_guarded_app(ACTION_SECRET, package="actions.status")) as base_url:
        yield EndpointConfig(f"{base_url}/webhook", headers={"Authorization": f"Bearer {ACTION_SECRET}"})


async def scripted_bot(agent: Agent, message: UserMessage) -> None:
    """`register <reference> <language>` opens a case as the intake does, `form <name|off>` starts or
    ends a form, `crash` fails the turn, `slow <seconds>` takes that long first; anything else is echoed."""
    first_word = (message.text or "").split()[:2]
    if first_word[:1] == ["crash"]:
        raise RuntimeError("the turn failed")
    if first_word[:1] == ["slow"]:
        await asyncio.sleep(float(first_word[1]))
    async with agent.lock_store.lock(message.sender_id):
        tracker = await agent.tracker_store.retrieve(message.sender_id) or DialogueStateTracker(
            message.sender_id, agent.domain.slots
        )
        tracker.update(UserUttered(message.text))
        words = (message.text or "").split()
        if words[:1] == ["register"]:
            tracker.update(SlotSet("case_reference", words[1]))
            tracker.update(SlotSet("language", words[2]))
        if words[:1] == ["form"]:
            tracker.update(ActiveLoop(None if words[1] == "off" else words[1]))
        answer = f"echo: {message.text}"
        tracker.update(BotUttered(answer))
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))  # the turn ends as in Rasa: waiting for the user
        await agent.tracker_store.save(tracker)
    await message.output_channel.send_text_message(message.sender_id, answer)


@dataclass
class Bot:
    base_url: str
    agent: Agent
    channel: StatusNoticeInput
    clock_offset: float = 0.0

    async def post(self, path: str, body: bytes, headers: Dict[str, str]) -> Tuple[int, Any]:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{self.base_url}{path}", data=body, headers=headers) as answer:
                return answer.status, await answer.json()

    async def notice(
        self,
        status: str = "in_pre_check",
        reference: str = REFERENCE,
        *,
        event_id: Optional[str] = None,
        changed_at: str = "2026-11-26T09:20:00+00:00",
        secret: str = SECRET,
        timestamp: Optional[int] = None,
    ) -> Tuple[int, Any]:
        event_id = event_id or uuid.uuid4().hex
        body = json.dumps(
            {"event_id": event_id, "reference": reference, "status": status, "changed_at": changed_at}
        ).encode()
        return await self.signed(body, event_id, secret=secret, timestamp=timestamp)

    async def signed(
        self, body: bytes, event_id: str, *, secret: str = SECRET, timestamp: Optional[int] = None
    ) -> Tuple[int, Any]:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Lotse-Timestamp": stamp,
            "X-Lotse-Event-Id": event_id,
            "X-Lotse-Signature": signature(secret, stamp, event_id, body),
        }
        return await self.post("/webhooks/status/webhook", body, headers)

    async def say(self, sender: str, text: str) -> List[str]:
        status, answer = await self.post(
            "/webhooks/rest/webhook", json.dumps({"sender": sender, "message": text}).encode(), {}
        )
        assert status == 200, answer
        return [message["text"] for message in answer]

    async def told_in_tracker(self, sender: str) -> List[str]:
        tracker = await self.agent.tracker_store.retrieve(sender)
        return [
            event.text
            for event in tracker.events
            if isinstance(event, BotUttered) and (event.metadata or {}).get("status_notice")
        ]


@asynccontextmanager
async def serve(model: str, actions: EndpointConfig, *channels: InputChannel) -> AsyncIterator[Tuple[str, Agent]]:
    app = Sanic(f"lotse_notice_test_{uuid.uuid4().hex[:8]}")
    agent = Agent.load(model, lock_store=InMemoryLockStore(), action_endpoint=actions)
    agent.tracker_store = agent.processor.tracker_store = InMemoryTrackerStore(agent.domain)
    app.ctx.agent = agent

    async def on_new_message(message: UserMessage) -> None:
        await scripted_bot(agent, message)

    for channel in channels:
        app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.url_prefix()}")
    async with served(app) as base_url:
        yield base_url, agent


@asynccontextmanager
async def served(app: Sanic) -> AsyncIterator[str]:
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    server = await app.create_server(sock=listening, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{listening.getsockname()[1]}"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


@pytest_asyncio.fixture
async def bot(notice_model: str, action_server: EndpointConfig) -> AsyncIterator[Bot]:
    channel = StatusNoticeInput(SECRET)
    async with serve(notice_model, action_server, channel, HardenedRestInput()) as (base_url, agent):
        yield Bot(base_url, agent, channel)


async def registered(bot: Bot, language: str = "de", reference: str = REFERENCE) -> str:
    sender = f"widget-{uuid.uuid4().hex[:12]}"
    await bot.say(sender, f"register {reference} {language}")
    return sender


async def test_a_notice_is_told_in_german_before_the_answer_to_the_next_message(bot: Bot) -> None:
    sender = await registered(bot, "de")
    assert await bot.notice("waiting_for_employer") == (200, {"result": "kept"})
    told = await bot.say(sender, "Hallo")
    assert told == [
        f"Neuigkeiten zu Ihrem Fall {REFERENCE} – neuer Stand: wartet auf Unterlagen oder Angaben von Ihnen.",
        "echo: Hallo",
    ]
    assert await bot.told_in_tracker(sender) == told[:1]
    assert await bot.say(sender, "noch da?") == ["echo: noch da?"]


async def test_an_english_conversation_hears_it_in_english(bot: Bot) -> None:
    sender = await registered(bot, "en")
    await bot.notice("forwarded")
    assert (await bot.say(sender, "hi"))[
        0
    ] == f"News on your case {REFERENCE} – new status: forwarded to the Zentralstelle."


async def test_only_the_conversation_that_opened_the_case_hears_it(bot: Bot) -> None:
    owner = await registered(bot, "de")
    stranger = await registered(bot, "de", OTHER_REFERENCE)
    await bot.notice("in_pre_check")
    assert await bot.say(stranger, "und?") == ["echo: und?"]
    assert REFERENCE in (await bot.say(owner, "und?"))[0]


async def test_several_changes_while_away_are_told_as_the_newest_status(bot: Bot) -> None:
    sender = await registered(bot, "de")
    await bot.notice("in_pre_check", changed_at="2026-11-26T09:00:00+00:00")
    await bot.notice("complete", changed_at="2026-11-26T11:00:00+00:00")
    await bot.notice("waiting_for_employer", changed_at="2026-11-26T10:00:00+01:00")  # 09:00 UTC, late
    [told, _] = await bot.say(sender, "Hallo")
    assert "vollständig" in told
    await bot.notice("waiting_for_employer", changed_at="2026-11-26T10:30:00+00:00")  # older than told
    assert await bot.say(sender, "Hallo") == ["echo: Hallo"]


async def test_a_forged_notice_is_refused_and_not_processed(bot: Bot) -> None:
    sender = await registered(bot, "de")
    status, answer = await bot.notice("closed", secret="guessed-secret")
    assert (status, answer["error"]["code"]) == (401, "signature_invalid")
    assert await bot.say(sender, "Hallo") == ["echo: Hallo"]
    assert not shared_store().has_untold()


async def test_a_body_changed_after_signing_is_refused(bot: Bot) -> None:
    event_id = uuid.uuid4().hex
    body = json.dumps({"event_id": event_id, "reference": REFERENCE, "status": "closed", "changed_at": "x"}).encode()
    stamp = str(int(time.time()))
    headers = {
        "X-Lotse-Timestamp": stamp,
        "X-Lotse-Event-Id": event_id,
        "X-Lotse-Signature": signature(SECRET, stamp, event_id, body.replace(b"closed", b"in_pre_check")),
    }
    status, answer = await bot.post("/webhooks/status/webhook", body, headers)
    assert (status, answer["error"]["code"]) == (401, "signature_invalid")


async def test_an_unsigned_notice_is_refused(bot: Bot) -> None:
    body = json.dumps({"event_id": "a" * 32, "reference": REFERENCE, "status": "closed", "changed_at": "x"})
    status, answer = await bot.post("/webhooks/status/webhook", body.encode(), {"X-Lotse-Event-Id": "a" * 32})
    assert (status, answer["error"]["code"]) == (401, "signature_missing")


@pytest.mark.parametrize("age_seconds", [301, -301, 86400])
async def test_a_notice_signed_outside_the_time_window_is_refused(bot: Bot, age_seconds: int) -> None:
    sender = await registered(bot, "de")
    status, answer = await bot.notice("closed", timestamp=int(time.time()) - age_seconds)
    assert (status, answer["error"]["code"]) == (401, "timestamp_outside_window")
    assert await bot.say(sender, "Hallo") == ["echo: Hallo"]


async def test_a_replayed_notice_is_acknowledged_but_not_told_again(bot: Bot) -> None:
    sender = await registered(bot, "de")
    event_id = uuid.uuid4().hex
    assert await bot.notice("in_pre_check", event_id=event_id) == (200, {"result": "kept"})
    assert len(await bot.say(sender, "Hallo")) == 2
    assert await bot.notice("in_pre_check", event_id=event_id) == (200, {"result": "duplicate"})
    assert await bot.say(sender, "Hallo") == ["echo: Hallo"]


async def test_event_ids_are_remembered_across_a_restart(bot: Bot, isolated_var_dir: Any) -> None:
    notice = Notice(uuid.uuid4().hex, REFERENCE, "complete", "2026-11-26T09:20:00+00:00")
    assert shared_store().accept(notice)
    reopened = NoticeStore(isolated_var_dir / "status_notices.sqlite3")
    assert reopened.accept(notice) is False


async def test_a_signed_but_malformed_notice_gets_400(bot: Bot) -> None:
    event_id = uuid.uuid4().hex
    good = {"event_id": event_id, "reference": REFERENCE, "status": "closed", "changed_at": "2026-11-26T09:00:00Z"}
    for change in (
        {"status": "lost"},
        {"reference": "LT-1"},
        {"event_id": "another-id-0001"},
        {"changed_at": "2026-11-26T09:00"},
        {"changed_at": "yesterday"},
        {"company_name": "Tischlerei Sonnenschein GmbH"},
    ):
        status, answer = await bot.signed(json.dumps({**good, **change}).encode(), event_id)
        assert (status, answer["error"]["code"]) == (400, "invalid_notice"), change
    status, answer = await bot.signed(b"not json", event_id)
    assert (status, answer["error"]["code"]) == (400, "invalid_notice")


async def test_the_widget_while_open_fetches_untold_notices_once(bot: Bot) -> None:
    sender = await registered(bot, "en")
    await bot.notice("in_pre_check")
    body = json.dumps({"sender": sender}).encode()
    status, first = await bot.post("/webhooks/rest/untold", body, {})
    assert status == 200
    assert [message["text"] for message in first] == [f"News on your case {REFERENCE} – new status: in pre-check."]
    assert first[0]["recipient_id"] == sender
    assert await bot.post("/webhooks/rest/untold", body, {}) == (200, [])
    status, answer = await bot.post("/webhooks/rest/untold", b'{"sender": "no spaces allowed"}', {})
    assert (status, answer["error"]["code"]) == (400, "invalid_sender")


async def test_a_notice_in_an_answer_that_failed_is_told_again(bot: Bot) -> None:
    """The turn failed after the notice was said: the client got the polite error, not the notice."""
    sender = await registered(bot, "de")
    await bot.notice("in_pre_check")
    body = json.dumps({"sender": sender, "message": "crash"}).encode()
    status, answer = await bot.post("/webhooks/rest/webhook", body, {})
    assert (status, answer["error"]["code"]) == (500, "internal_error")
    told = await bot.say(sender, "Hallo")
    assert REFERENCE in told[0] and told[1:] == ["echo: Hallo"]
    assert await bot.say(sender, "noch da?") == ["echo: noch da?"], "told once its answer went out"


async def test_a_notice_in_an_answer_the_client_gave_up_on_is_told_again(bot: Bot) -> None:
    """The client (or nginx) closed the connection during the turn: Sanic cancels it, the notice is released."""
    sender = await registered(bot, "de")
    await bot.notice("in_pre_check")
    with pytest.raises(asyncio.TimeoutError):
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.5)) as session:
            await session.post(f"{bot.base_url}/webhooks/rest/webhook", json={"sender": sender, "message": "slow 2"})
    await asyncio.sleep(0.3)  # the server sees the closed connection and cancels the turn
    told = await bot.say(sender, "Hallo")
    assert REFERENCE in told[0] and told[1:] == ["echo: Hallo"]


async def test_the_notice_enters_as_rasas_external_intent_and_the_bot_says_it(bot: Bot) -> None:
    sender = await registered(bot, "en")
    event_id = uuid.uuid4().hex
    await bot.notice("closed", event_id=event_id)
    await bot.say(sender, "hi")
    events = list((await bot.agent.tracker_store.retrieve(sender)).events)
    external = next(event for event in events if isinstance(event, UserUttered) and event.intent_name)
    assert external.intent_name == "EXTERNAL_status_notice" and external.metadata["is_external"] is True
    assert {entity["entity"]: entity["value"] for entity in external.entities} == {
        "notice_event": event_id,
        "notice_reference": REFERENCE,
        "notice_status": "closed",
    }
    after = events[events.index(external) + 1 :]
    acted = [event.action_name for event in after if isinstance(event, ActionExecuted)]
    assert acted[:2] == ["action_tell_status_notice", "action_listen"], "the shipped rule chose the action"
    told = next(event for event in after if isinstance(event, BotUttered))
    assert told.metadata["status_notice"] == event_id


async def test_a_notice_waits_while_a_form_asks_its_questions(bot: Bot) -> None:
    sender = await registered(bot, "de")
    await bot.say(sender, "form intake_form")
    await bot.notice("in_pre_check")
    assert await bot.say(sender, "Muster GmbH") == ["echo: Muster GmbH"], "an answer to the form is not interrupted"
    assert shared_store().has_untold()
    await bot.say(sender, "form off")
    assert REFERENCE in (await bot.say(sender, "Hallo"))[0]


async def test_when_the_bot_cannot_say_it_the_notice_stays_untold(notice_model: str) -> None:
    unreachable = EndpointConfig("http://127.0.0.1:9/webhook")  # the action server is down
    async with serve(notice_model, unreachable, StatusNoticeInput(SECRET), HardenedRestInput()) as (url, agent):
        down = Bot(url, agent, StatusNoticeInput(SECRET))
        sender = await registered(down, "de")
        await down.notice("in_pre_check")
        assert await down.say(sender, "Hallo") == ["echo: Hallo"]
        assert shared_store().has_untold(), "released: the next turn tells it"


async def test_signature_matches_the_worked_example_of_the_contract() -> None:
    body = (
        b'{"changed_at":"2026-11-26T09:20:00+00:00","event_id":"3f2b9c0e5d6a4b7c8e9f0a1b2c3d4e5f",'
        b'"reference":"LT-2026-7K3QZD","status":"in_pre_check"}'
    )
    assert signature("shared-secret-for-the-example", "1764148800", "3f2b9c0e5d6a4b7c8e9f0a1b2c3d4e5f", body) == (
        "sha256=34f4ace1292335855cf188dac4e1809e81e8c0e077e7eb43862c3795d4b17ee1"
    )


async def test_the_webhook_needs_its_secret_in_the_credentials() -> None:
    with pytest.raises(ChannelCredentialsError, match="secret"):
        StatusNoticeInput.from_credentials({"secret": ""})
    assert StatusNoticeInput.from_credentials({"secret": "s", "max_age_seconds": 60}).max_age_seconds == 60


# ---------------------------------------------------------------- Teams: told at once


@dataclass
class TeamsBot(Bot):
    standin: Optional[BotFrameworkStandIn] = None

    async def say_in_teams(self, text: str) -> None:
        assert self.standin is not None
        activity = {
            "type": "message",
            "id": f"1700{time.monotonic_ns()}",
            "serviceUrl": self.standin.service_url,
            "channelId": "msteams",
            "from": {"id": "29:1user-a", "name": "Erika Muster"},
            "conversation": {"id": "a:1pF8Xq3personalchat", "conversationType": "personal", "tenantId": TENANT_ID},
            "recipient": {"id": "28:" + APP_ID, "name": "Lotse"},
            "text": text,
            "locale": "de-DE",
            "channelData": {"tenant": {"id": TENANT_ID}},
        }
        headers = {"Authorization": f"Bearer {self.standin.connector_token()}", "Content-Type": "application/json"}
        status, _ = await self.post("/webhooks/botframework/webhook", json.dumps(activity).encode(), headers)
        assert status == 200

    def texts(self) -> List[str]:
        assert self.standin is not None
        return [received.activity.get("text", "") for received in self.standin.activities]


@pytest_asyncio.fixture
async def teams_bot(notice_model: str, action_server: EndpointConfig) -> AsyncIterator[TeamsBot]:
    standin = BotFrameworkStandIn(APP_ID, APP_PASSWORD, TENANT_ID)
    async with serve_on_loopback(standin.application()) as standin_url:
        standin.base_url = standin_url
        settings = TeamsSettings(APP_ID, APP_PASSWORD, TENANT_ID, standin_url, standin.openid_metadata_url)
        http = ProviderHttpClient(timeout_seconds=5, retry=RetryPolicy(attempts=2, base_delay_seconds=0.01))
        teams = TeamsInput(TeamsConnection(settings, http=http))
        channel = StatusNoticeInput(SECRET)
        async with serve(notice_model, action_server, channel, teams) as (base_url, agent):
            yield TeamsBot(base_url, agent, channel, standin=standin)


async def test_a_notice_for_a_case_opened_in_teams_is_posted_there_at_once(teams_bot: TeamsBot) -> None:
    await teams_bot.say_in_teams(f"register {REFERENCE} en")
    assert await teams_bot.notice("complete") == (200, {"result": "told"})
    told = teams_bot.standin.activities[-1]
    assert told.conversation_id == "a:1pF8Xq3personalchat"
    assert (
        told.activity["text"]
        == f"News on your case {REFERENCE} – new status: complete, about to be forwarded to the authority."
    )
    assert told.activity["recipient"]["id"] == "29:1user-a"
    [sender] = list(await teams_bot.agent.tracker_store.keys())
    assert await teams_bot.told_in_tracker(sender) == [told.activity["text"]]
    await teams_bot.say_in_teams("danke")
    assert teams_bot.texts()[-1] == "echo: danke"  # not told twice


async def test_when_teams_refuses_the_notice_it_is_told_at_the_next_teams_message(teams_bot: TeamsBot) -> None:
    await teams_bot.say_in_teams(f"register {REFERENCE} de")
    teams_bot.standin.failures_to_serve.append(403)
    assert await teams_bot.notice("in_pre_check") == (200, {"result": "kept"})
    await teams_bot.say_in_teams("Hallo")
    assert teams_bot.texts()[-2:] == [
        f"Neuigkeiten zu Ihrem Fall {REFERENCE} – neuer Stand: in der Vorprüfung.",
        "echo: Hallo",
    ]


async def test_a_notice_teams_refuses_before_a_turn_does_not_cost_the_turn(teams_bot: TeamsBot) -> None:
    await teams_bot.say_in_teams(f"register {REFERENCE} de")
    teams_bot.standin.failures_to_serve.append(403)
    await teams_bot.notice("in_pre_check")  # refused at once: kept
    teams_bot.standin.failures_to_serve.append(403)
    await teams_bot.say_in_teams("Hallo")
    assert teams_bot.texts()[-1] == "echo: Hallo"
    await teams_bot.say_in_teams("Hallo?")
    assert teams_bot.texts()[-2] == f"Neuigkeiten zu Ihrem Fall {REFERENCE} – neuer Stand: in der Vorprüfung."
