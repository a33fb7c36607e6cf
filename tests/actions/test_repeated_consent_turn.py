"""Issue 16 S5: a consent turn that runs again creates no second case.

A server killed after `action_submit_case` ran (the case in the outbox, perhaps in the backend) but
before Rasa saved the tracker makes the turn run again: nginx passes the chat request to the other Rasa
server, or the client resends. The second run starts from the same saved conversation, so it finds
the case of the first run and shows and sends the same reference and body again; the backend answers
a repeated identical body with its `200`, never a second ticket.

Real action code on rasa-sdk trackers, the real outbox on SQLite and PostgreSQL, and a stand-in of the
backend's ticket endpoint with its documented answers (201 / 200 same body / 409 other body)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, text

from actions import intake
from actions.outbox import CLAIM_LEASE, Outbox
from trackers import tracker_with, user_event

SLOTS = {
    "language": "en",
    "consent": True,
    "company_name": "Tischlerei Wiederholung GmbH",
    "business_type": "craft",
    "workplace_municipality": "garbsen",
    "occupation": "Tischler",
    "contact_name": "Anna Wiederholung",
    "contact_email": "anna@wiederholung.example",
}


class TicketEndpoint:
    """The backend's `POST /api/v1/tickets` as documented (shared/interfaces.md): the reference is the key."""

    def __init__(self) -> None:
        self.tickets: Dict[str, str] = {}  # reference -> digest of the body first received
        self.answers: List[int] = []
        self.refusing = False  # True: the connection is accepted, the request answered 503

        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = endpoint.receive(body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def receive(self, body: Dict[str, Any]) -> int:
        if self.refusing:
            status = 503
        else:
            digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
            known = self.tickets.setdefault(body["reference"], digest)
            status = 201 if known is digest else (200 if known == digest else 409)
        self.answers.append(status)
        return status


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[TicketEndpoint]:
    endpoint = TicketEndpoint()
    threading.Thread(target=endpoint.server.serve_forever, daemon=True).start()
    monkeypatch.setenv("LOTSE_BACKEND_URL", endpoint.url)
    monkeypatch.setenv("LOTSE_BOT_API_TOKEN", "lt_repeated-turn-test")
    try:
        yield endpoint
    finally:
        endpoint.server.shutdown()
        endpoint.server.server_close()


@pytest.fixture(params=["sqlite", "postgresql"], autouse=True)
def state(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("LOTSE_VAR_DIR", str(tmp_path))
    if request.param == "sqlite":
        yield "sqlite"
        return
    url: str = request.getfixturevalue("postgres_state_url")
    monkeypatch.setenv("LOTSE_BOT_STATE_URL", url)
    yield "postgresql"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM outbox"))
    engine.dispose()


def consent_turn(sender: str, earlier_turns: int = 1, moment: float = 1_790_000_000.0) -> Any:
    """The conversation as the submit action sees it: the saved events, then this turn's "yes" (its
    timestamp differs on every run: Rasa stamps the message when it arrives)."""
    saved: List[Dict[str, Any]] = []
    for number in range(earlier_turns):
        saved.append({**user_event(f"answer {number}", "inform"), "timestamp": moment + 10 * number})
        saved.append({"event": "action", "name": "action_listen", "timestamp": moment + 10 * number + 1})
    this_turn = {**user_event("yes", "affirm"), "timestamp": moment + 10 * earlier_turns + uuid.uuid4().int % 1000}
    tracker = tracker_with([*saved, this_turn], slots=SLOTS)
    tracker.sender_id = sender
    return tracker


async def submit(tracker: Any) -> tuple[str, Optional[str]]:
    dispatcher = CollectingDispatcher()
    events = await intake.ActionSubmitCase().run(dispatcher, tracker, {})
    reference = next((event["value"] for event in events if event.get("name") == "case_reference"), None)
    return dispatcher.messages[0]["text"], reference


class Killed(Exception):
    """The action server killed during the action (SIGKILL ends it there; here the action stops)."""


async def test_the_turn_run_again_after_the_case_reached_the_backend_shows_the_same_case(
    backend: TicketEndpoint,
) -> None:
    sender = f"repeat-{uuid.uuid4().hex}"
    first_reply, first = await submit(consent_turn(sender))
    # the server died here, before Rasa saved the conversation: the same turn runs again
    second_reply, second = await submit(consent_turn(sender))
    assert first and first.startswith("LT-2026-")
    assert second == first
    assert second_reply == first_reply, "the same reference and the same link code"
    assert list(backend.tickets) == [first]
    assert 409 not in backend.answers


async def test_the_turn_run_again_after_the_case_was_queued_but_not_sent_sends_that_case(
    backend: TicketEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = f"repeat-{uuid.uuid4().hex}"

    async def killed(*args: Any) -> Any:
        raise Killed("after storing the case, before sending it")

    with monkeypatch.context() as during_the_first_run:
        during_the_first_run.setattr(intake, "deliver", killed)
        with pytest.raises(Killed):
            await submit(consent_turn(sender))
    assert backend.tickets == {}
    stored = Outbox().claim(now=datetime.now(timezone.utc) + CLAIM_LEASE + timedelta(seconds=1), limit=1000)
    assert len(stored) == 1
    reply, reference = await submit(consent_turn(sender))
    assert reference == stored[0].reference
    assert stored[0].body["candidate_link_code"] in reply, "the link code stored with the case"
    assert list(backend.tickets) == [reference]
    assert backend.answers == [201]


async def test_the_turn_run_again_while_the_backend_is_down_keeps_one_queued_case(backend: TicketEndpoint) -> None:
    backend.refusing = True
    sender = f"repeat-{uuid.uuid4().hex}"
    first_reply, first = await submit(consent_turn(sender))
    second_reply, second = await submit(consent_turn(sender))
    assert second == first and second_reply == first_reply
    assert "cannot be reached" in first_reply
    assert Outbox().figures()["waiting"] == 1, "one case waits for the backend, not two"
    assert backend.tickets == {} and backend.answers == [503, 503]


async def test_a_later_consent_turn_of_the_same_conversation_is_a_new_case(backend: TicketEndpoint) -> None:
    sender = f"repeat-{uuid.uuid4().hex}"
    _, first = await submit(consent_turn(sender, earlier_turns=1))
    _, second = await submit(consent_turn(sender, earlier_turns=3))
    assert first and second and first != second
    assert sorted(backend.tickets) == sorted([first, second])


async def test_the_same_turn_in_another_conversation_is_another_case(backend: TicketEndpoint) -> None:
    _, first = await submit(consent_turn(f"repeat-{uuid.uuid4().hex}"))
    _, second = await submit(consent_turn(f"repeat-{uuid.uuid4().hex}"))
    assert first != second and len(backend.tickets) == 2


async def test_the_turn_run_again_is_not_refused_by_the_daily_limit(
    backend: TicketEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run's case counted towards the limit; its re-run adds no case, so it is not one too many."""
    monkeypatch.setattr(intake, "CASES_PER_SENDER_PER_DAY", 1)
    sender = f"repeat-{uuid.uuid4().hex}"
    _, first = await submit(consent_turn(sender))
    _, second = await submit(consent_turn(sender))
    assert second == first


def test_an_outbox_of_schema_1_is_upgraded_and_keeps_its_cases(tmp_path: Path, state: str) -> None:
    if state != "sqlite":
        pytest.skip("the upgrade statements are the same on PostgreSQL; the file is SQLite's")
    path = tmp_path / "old-outbox.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(
            """
            CREATE TABLE lotse_schema_versions (store VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL);
            INSERT INTO lotse_schema_versions VALUES ('outbox', 1);
            CREATE TABLE outbox (reference TEXT PRIMARY KEY, sender_key TEXT NOT NULL, body TEXT,
                created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL,
                delivered_at TEXT, outcome TEXT);
            INSERT INTO outbox VALUES ('LT-2026-OLDONE', 's', '{"reference": "LT-2026-OLDONE"}',
                '2026-01-01T00:00:00+00:00', 0, '2026-01-01T00:00:00+00:00', NULL, NULL);
            """
        )
    outbox = Outbox(path)
    assert [case.reference for case in outbox.claim()] == ["LT-2026-OLDONE"]
    first = outbox.put("LT-2026-AAAAAA", "s", {"reference": "LT-2026-AAAAAA"}, turn_key="turn-1")
    again = outbox.put("LT-2026-BBBBBB", "s", {"reference": "LT-2026-BBBBBB"}, turn_key="turn-1")
    assert first is not None and again is not None
    assert again.reference == first.reference == "LT-2026-AAAAAA"
    with sqlite3.connect(path) as upgraded:
        assert upgraded.execute("SELECT version FROM lotse_schema_versions").fetchone() == (2,)
        assert upgraded.execute("SELECT count(*) FROM outbox").fetchone() == (2,)
