"""Issue 16 S5: a call of the action server that fails gets a polite message and ends the turn; a call
that never reached an action server is tried once more. Real `RemoteAction` calls over HTTP (aiohttp,
as in the Rasa server) to a closed port and to small local stand-ins of an action server."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator, List, Optional

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, FollowupAction, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.texts import text
from channels import action_failures

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  language: {type: any, influence_conversation: false, mappings: [{type: custom}]}
actions: [action_answer_topic, action_ask_company_name]
"""
)
ANSWER = {"events": [{"event": "slot", "name": "language", "value": "de", "timestamp": None}], "responses": []}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ActionServer:
    """Answers every call with `status` (and a valid answer on 200) after `delay` seconds; counts the calls."""

    def __init__(self, port: int, status: int = 200, delay: float = 0.0) -> None:
        self.calls = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                server.calls += 1
                time.sleep(delay)
                if status == 200:
                    body = json.dumps(ANSWER).encode()
                elif status == 400:
                    body = json.dumps({"action_name": "action_answer_topic", "error": "rejected"}).encode()
                else:
                    body = b"{}"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the caller gave up

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def servers() -> Iterator[List[ActionServer]]:
    started: List[ActionServer] = []
    yield started
    for server in started:
        server.close()


def tracker(language: Optional[str] = "en", message_id: str = "turn-1") -> DialogueStateTracker:
    events = [ActionExecuted(ACTION_LISTEN_NAME), UserUttered("Was kostet das?", message_id=message_id)]
    if language:
        events.insert(0, SlotSet("language", language))
    return DialogueStateTracker.from_events("sender-1", events, slots=DOMAIN.slots)


async def run(port: int, conversation: DialogueStateTracker, name: str = "action_answer_topic") -> List[Any]:
    action = RemoteAction(name, EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
    return await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), conversation, DOMAIN)


def test_loading_the_channels_installs_the_guard() -> None:
    assert RemoteAction.run is action_failures.run_or_apologise


@pytest.mark.parametrize("language", ["de", "en"])
async def test_a_dead_action_server_gets_a_polite_message_and_the_turn_ends(port: int, language: str) -> None:
    events = await run(port, tracker(language))  # nothing listens on the port
    assert events == [BotUttered(text("action_server_unavailable", language)), FollowupAction(ACTION_LISTEN_NAME)]
    assert "Traceback" not in events[0].text and "127.0.0.1" not in events[0].text


async def test_without_a_known_language_the_message_comes_in_both(port: int) -> None:
    events = await run(port, tracker(language=None))
    message = events[0].text
    assert text("action_server_unavailable", "de") in message and text("action_server_unavailable", "en") in message


async def test_one_message_per_turn_however_many_calls_fail(port: int) -> None:
    """The form's validation and then its question: both fail, the user reads the message once."""
    conversation = tracker("de")
    first = await run(port, conversation)
    second = await run(port, conversation, "action_ask_company_name")
    assert isinstance(first[0], BotUttered)
    assert second == [FollowupAction(ACTION_LISTEN_NAME)]
    assert isinstance((await run(port, tracker("de", message_id="turn-2")))[0], BotUttered), "the next turn: again"


async def test_a_refused_connection_is_tried_once_more(port: int, servers: List[ActionServer]) -> None:
    """The action server comes up during the pause (a restart): the second try answers."""
    threading.Timer(0.1, lambda: servers.append(ActionServer(port))).start()
    started = time.monotonic()
    events = await run(port, tracker())
    assert events == [SlotSet("language", "de")]
    assert servers[0].calls == 1
    assert time.monotonic() - started < 2


async def test_a_call_that_reached_the_action_server_is_not_repeated_here(
    port: int, servers: List[ActionServer]
) -> None:
    """A 500 (the action failed there): the message, no second call (nginx passes a dropped call on)."""
    servers.append(ActionServer(port, status=500))
    events = await run(port, tracker("en"))
    assert events[0] == BotUttered(text("action_server_unavailable", "en"))
    assert servers[0].calls == 1


async def test_a_hanging_action_server_is_given_up_after_the_timeout(
    port: int, servers: List[ActionServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOTSE_ACTION_TIMEOUT_SECONDS", "0.5")
    servers.append(ActionServer(port, delay=3))
    started = time.monotonic()
    events = await run(port, tracker("de"))
    assert time.monotonic() - started < 1.5
    assert events[0] == BotUttered(text("action_server_unavailable", "de"))
    assert servers[0].calls == 1, "a call still running is not started again"


async def test_a_rejection_by_the_action_is_left_to_rasa(port: int, servers: List[ActionServer]) -> None:
    servers.append(ActionServer(port, status=400))
    with pytest.raises(ActionExecutionRejection):
        await run(port, tracker())


async def test_a_working_action_server_answers_as_before(port: int, servers: List[ActionServer]) -> None:
    servers.append(ActionServer(port))
    assert await run(port, tracker()) == [SlotSet("language", "de")]
