"""One real stack for all end-to-end tests: trained model, action server, backend on SQLite,
outbox worker and the widget's demo server, each in its own process, with a fresh state folder."""

from __future__ import annotations

import json
import socket
import sys
import uuid
from pathlib import Path
from typing import Iterator, List

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from stack import Ports, Stack  # noqa: E402
from channel_standins import ChannelStandIns  # noqa: E402
from teams_standin import TeamsStandIn  # noqa: E402
from ports import shifted  # noqa: E402

TEST_DAY = "2026-11-26"


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="session")
def channel_standins() -> Iterator[ChannelStandIns]:
    """WhatsApp's and Telegram's APIs on loopback: the stack starts both channels against them."""
    with ChannelStandIns() as standins:
        yield standins


@pytest.fixture(scope="session")
def teams_standin() -> Iterator[TeamsStandIn]:
    """Microsoft's Bot Framework on loopback: the stack starts the Teams channel against it."""
    with TeamsStandIn() as standin:
        yield standin


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, channel_standins: ChannelStandIns, teams_standin: TeamsStandIn
) -> Iterator[Stack]:
    ports = shifted(Ports())
    busy = [port for port in (ports.rasa, ports.actions, ports.backend, ports.web) if not _port_is_free(port)]
    if busy:
        pytest.fail(f"ports {busy} are in use: stop a running `make run` before the end-to-end tests")
    running = Stack(
        var_dir=tmp_path_factory.mktemp("var"),
        ports=ports,
        extra_env={
            "LOTSE_TEST_MODE": "1",
            "LOTSE_TODAY": TEST_DAY,
            "LOTSE_OUTBOX_INTERVAL_SECONDS": "1",
            # every test conversation comes from 127.0.0.1; test_rate_limits.py tests that limit
            "LOTSE_CASES_PER_ADDRESS_PER_DAY": "1000",
            "LOTSE_MESSAGE_RATE": "100000/minute",  # the same: tests/channels/test_channel_message_limits.py
            **channel_standins.env,
            **teams_standin.env,
        },
    )
    try:
        running.start()
        running.wait_until_ready()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def credentials(stack: Stack) -> dict:
    return json.loads((stack.var_dir / "dev-credentials.json").read_text())


class Conversation:
    """One user talking to the bot through the REST channel, as the widget does."""

    def __init__(self, bot_url: str, language: str | None, forwarded_for: str | None = None) -> None:
        self.sender = f"e2e-{uuid.uuid4().hex}"
        self.url = f"{bot_url}/webhooks/rest/webhook"
        self.language = language
        self.headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}  # as from a trusted proxy

    def say(self, text: str) -> List[dict]:
        body: dict = {"sender": self.sender, "message": text}
        if self.language:
            body["metadata"] = {"language": self.language}
        answer = httpx.post(self.url, json=body, headers=self.headers, timeout=60)
        answer.raise_for_status()
        return answer.json()

    def say_text(self, text: str) -> str:
        return "\n".join(message.get("text", "") for message in self.say(text))


@pytest.fixture
def bot_url(stack: Stack) -> str:
    return f"http://127.0.0.1:{stack.ports.rasa}"


@pytest.fixture
def backend_url(stack: Stack) -> str:
    return f"http://127.0.0.1:{stack.ports.backend}"


@pytest.fixture
def german(bot_url: str) -> Conversation:
    return Conversation(bot_url, "de")


@pytest.fixture
def english(bot_url: str) -> Conversation:
    return Conversation(bot_url, "en")


@pytest.fixture
def undeclared(bot_url: str) -> Conversation:
    return Conversation(bot_url, None)
