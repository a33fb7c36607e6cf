"""Issue 16 S5: a Rasa server whose action server is dead answers every message with a polite error
in the user's language within seconds, and the conversation carries on once an action server is back.

A real Rasa server (the trained model); the action server is not started at first, then started,
then killed with SIGKILL and started again. (The answers asked for need no backend.)"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from conftest import TEST_DAY, _port_is_free
from ports import shifted
from stack import Ports, Stack

from bot.texts import text

PORTS = shifted(Ports(rasa=9205, actions=9255, backend=9200, web=9280))  # clear of the other stacks' ports
QUESTION = "Was kostet das beschleunigte Fachkräfteverfahren?"
ANSWERED_WITHIN_SECONDS = 10


@pytest.fixture(scope="module")
def without_actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    busy = [port for port in (PORTS.rasa, PORTS.actions) if not _port_is_free(port)]
    if busy:
        pytest.fail(f"ports {busy} are in use")
    environment = {"LOTSE_TEST_MODE": "1", "LOTSE_TODAY": TEST_DAY}
    with Stack(var_dir=tmp_path_factory.mktemp("var-no-actions"), ports=PORTS, extra_env=environment).running(
        only=["rasa"]  # the action server comes and goes in the test
    ) as stack:
        yield stack


def say(stack: Stack, sender: str, message: str) -> tuple[str, float]:
    started = time.monotonic()
    answer = httpx.post(
        f"http://127.0.0.1:{stack.ports.rasa}/webhooks/rest/webhook",
        json={"sender": sender, "message": message, "metadata": {"language": "de"}},
        timeout=60,
    )
    assert answer.status_code == 200
    return "\n".join(message.get("text", "") for message in answer.json()), time.monotonic() - started


def start_actions(stack: Stack) -> None:
    stack.start_process(stack.spec("actions"))
    stack.wait_until_ready()


def kill_actions(stack: Stack) -> None:
    process = stack.processes.pop("actions")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_a_dead_action_server_gets_a_polite_answer_and_the_conversation_carries_on(without_actions: Stack) -> None:
    sorry = text("action_server_unavailable", "de")
    sender = f"e2e-down-{uuid.uuid4().hex}"
    rasa_log = without_actions.log_dir / "rasa.log"
    started_at = rasa_log.stat().st_size

    reply, seconds = say(without_actions, sender, QUESTION)  # no action server was ever started
    assert reply == sorry and seconds < ANSWERED_WITHIN_SECONDS

    start_actions(without_actions)
    reply, _ = say(without_actions, sender, QUESTION)  # the same message again, as the apology asks
    assert "411" in reply and sorry not in reply

    kill_actions(without_actions)
    reply, seconds = say(without_actions, sender, "Wie lange dauert das ganze Verfahren?")
    assert reply == sorry and seconds < ANSWERED_WITHIN_SECONDS

    start_actions(without_actions)
    assert "4 Monate" in say(without_actions, sender, "Wie lange dauert das ganze Verfahren?")[0]

    during_the_test = rasa_log.read_bytes()[started_at:].decode(errors="replace")
    assert "Traceback" not in during_the_test, "a failed action call is a log line, not a stack trace"
