"""Issue 17: the consumer process (`python -m insights --source sqlite`, as `make run` starts it) is
killed while two intakes are open and started again; the new process reports one intake as abandoned
at the question it had reached and the other as completed, counts neither start twice, and reports its
backlog to the backend (here the stand-in of POST /api/v1/insights/facts and PUT …/consumer-status)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import AsyncIterator, Iterator, List

import pytest

from actions.insights import intake_completed_insight
from insights.open_conversations import SQLITE_FILE
from tests.insights.backend_standin import TOKEN, FactsStandin
from tests.insights.test_consumer import tracker_store, wait_for, write_events
from tests.insights.test_mapping import EMAIL, PHONE
from tests.insights.test_open_conversations import open_intake

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
async def backend() -> AsyncIterator[FactsStandin]:
    standin = await FactsStandin().start()
    yield standin
    await standin.stop()


class ConsumerProcess:
    def __init__(self, var_dir: Path, backend_url: str) -> None:
        self.var_dir, self.backend_url = var_dir, backend_url
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            key: value for key, value in os.environ.items() if not key.startswith("LOTSE_")
        }  # no state URL, no other token
        env |= {
            "PYTHONPATH": str(REPO),
            "LOTSE_VAR_DIR": str(self.var_dir),
            "LOTSE_INSIGHTS_SECRET": "restart-test-secret",
            "LOTSE_BACKEND_URL": self.backend_url,
            "LOTSE_BOT_API_TOKEN": TOKEN,
        }
        command = [sys.executable, "-m", "insights", "--source", "sqlite"]
        self.process = subprocess.Popen(command, cwd=REPO, env=env, stderr=subprocess.DEVNULL)

    def kill(self) -> None:
        """As a crash or an OOM kill: no chance to tidy up."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def consumer(backend: FactsStandin, tmp_path: Path) -> Iterator[ConsumerProcess]:
    process = ConsumerProcess(tmp_path, backend.url)
    yield process
    process.stop()


def kinds_stored(backend: FactsStandin) -> List[str]:
    return sorted(fact["kind"] for fact in backend.stored)


async def test_an_intake_open_when_the_consumer_process_died_is_reported_after_its_restart(
    backend: FactsStandin, consumer: ConsumerProcess, tmp_path: Path
) -> None:
    tracker = tracker_store(tmp_path / "conversations.sqlite3")
    start = time.time() - 120  # recent: no intake is idle long enough to time out
    left, finished = open_intake("employer-left", start), open_intake("employer-done", start)
    write_events(tracker, left.events + finished.events)
    consumer.start()
    await wait_for(lambda: kinds_stored(backend).count("intake_started") == 2, 60)
    await wait_for(lambda: len(backend.reports) >= 1, 10)
    consumer.kill()

    left.events, finished.events = [], []
    left.session().user("Hallo", "greet").bot("Guten Tag!")  # the employer comes back another time
    finished.user(EMAIL, "inform").slot("requested_slot", "contact_phone").user(PHONE, "inform")
    finished.slot("requested_slot", None).loop(None).bot("Ihr Fall ist angelegt.", intake_completed_insight())
    write_events(tracker, left.events + finished.events)
    consumer.start()
    await wait_for(lambda: {"intake_abandoned", "intake_completed"} <= set(kinds_stored(backend)), 60)
    await wait_for(lambda: len(backend.reports) >= 2, 10)

    abandoned = [fact for fact in backend.stored if fact["kind"] == "intake_abandoned"]
    assert [(fact["question"], fact["reason"]) for fact in abandoned] == [("contact_email", "new_session")]
    assert kinds_stored(backend).count("intake_completed") == 1
    assert kinds_stored(backend).count("intake_started") == 2  # the restart counted no start again
    assert backend.reports[-1]["source"] == "sqlite" and backend.reports[-1]["backlog"] == 0
    state = b"".join(path.read_bytes() for path in tmp_path.glob(f"{SQLITE_FILE}*"))  # with -wal
    assert b"insight_open_conversations" in state  # the state store the restart read
    assert b"employer-left" not in state and b"employer-done" not in state  # pseudonyms only
