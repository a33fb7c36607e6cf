"""The mapping's conversation state in the state store (SQLite file and PostgreSQL): an intake opened
before a restart is reported as abandoned at its question, or as completed, by the mapping that follows;
only the scrubbed stream's sender pseudonym and codes are stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

import pytest
from sqlalchemy import delete, select

from actions.insights import intake_completed_insight
from insights.mapping import FORGET_AFTER_SECONDS, EventMapper
from insights.open_conversations import OpenConversations, conversations_table
from tests.actions.conftest import postgres_state_url  # noqa: F401 (the fixture)
from tests.insights.test_mapping import COMPANY, EMAIL, NAME, PHONE, SECRET, Conversation, kinds


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> OpenConversations:
    if request.param == "sqlite":
        return OpenConversations(f"sqlite:///{tmp_path / 'insights_state.sqlite3'}")
    shared = OpenConversations(request.getfixturevalue("postgres_state_url"))  # one database for the session
    with shared._engine.begin() as connection:
        connection.execute(delete(conversations_table))
    return shared


def open_intake(sender: str, start: float) -> Conversation:
    """An intake that has asked for the e-mail address, with the name and company already given."""
    c = Conversation(sender=sender, start=start).session().user("Hallo", "greet").bot("Guten Tag!")
    c.user(f"Ein Fall für {COMPANY}", "start_intake").loop("intake_form").slot("requested_slot", "company_name")
    c.bot("Wie heißt Ihr Unternehmen?").user(COMPANY, "inform").slot("company_name", COMPANY)
    c.slot("requested_slot", "contact_name").bot("Wie heißen Sie?").user(NAME, "inform").slot("contact_name", NAME)
    return c.slot("requested_slot", "contact_email").bot("Ihre E-Mail?")


def delivered(mapper: EventMapper, store: OpenConversations, events: List[Dict]) -> List[str]:
    """What the pump does with a batch: map it, then store the changed conversations."""
    facts = [fact for event in events for fact in mapper.map(event)]
    store.save(*mapper.changes())
    return kinds(facts)


def test_an_intake_open_before_a_restart_is_abandoned_or_completed_after_it(store: OpenConversations) -> None:
    left, finished = open_intake("employer-left", 1_796_000_000.0), open_intake("employer-done", 1_796_000_000.0)
    before = EventMapper(SECRET)
    assert delivered(before, store, left.scrubbed() + finished.scrubbed()).count("intake_started") == 2

    after = EventMapper(SECRET, restored=store.load())  # a new process: nothing in memory
    left.events, finished.events = [], []
    left.session().user("Hallo", "greet").bot("Guten Tag!")
    finished.user(EMAIL, "inform").slot("contact_email", EMAIL).slot("requested_slot", "contact_phone")
    finished.user(PHONE, "inform").slot("requested_slot", None).loop(None).bot("Angelegt.", intake_completed_insight())
    facts = [fact for event in left.scrubbed() + finished.scrubbed() for fact in after.map(event)]
    abandoned = [fact for fact in facts if fact.kind == "intake_abandoned"]
    assert [(fact.question, fact.reason) for fact in abandoned] == [("contact_email", "new_session")]
    assert kinds(facts).count("intake_completed") == 1 and "intake_started" not in kinds(facts)


def test_an_idle_intake_from_before_the_restart_times_out(store: OpenConversations) -> None:
    start = 1_796_000_000.0
    delivered(EventMapper(SECRET), store, open_intake("employer-idle", start).scrubbed())
    after = EventMapper(SECRET, restored=store.load())
    facts = after.expire(start + 3600)
    assert [(fact.kind, fact.question, fact.reason) for fact in facts] == [
        ("intake_abandoned", "contact_email", "timeout")
    ]
    store.save(*after.changes())
    assert EventMapper(SECRET, restored=store.load()).expire(start + 7200) == []  # reported once


def test_the_store_holds_codes_under_the_pseudonym_and_forgets_idle_conversations(store: OpenConversations) -> None:
    start = 1_796_000_000.0
    mapper = EventMapper(SECRET)
    conversation = open_intake("+49 511 7654321", start)  # a WhatsApp sender id is a phone number
    delivered(mapper, store, conversation.scrubbed())
    with store._engine.begin() as connection:
        rows = [dict(row._mapping) for row in connection.execute(select(conversations_table))]
    assert len(rows) == 1
    stored = json.dumps(rows, ensure_ascii=False)
    for personal in (NAME, EMAIL, PHONE, COMPANY, "7654321"):
        assert personal not in stored
    assert json.loads(rows[0]["state"])["intake"] == {"question": "contact_email", "form_closed": False}

    mapper.expire(start + FORGET_AFTER_SECONDS + 100)
    store.save(*mapper.changes())
    assert store.load() == {}
