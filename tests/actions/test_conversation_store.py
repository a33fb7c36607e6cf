"""C13: personal data leaves the conversation store: at once on "delete my data", otherwise after
the retention period. Against the stores really used: SQLite (embedded default, configured by
endpoints.yml) and PostgreSQL (production; `LOTSE_TEST_POSTGRES_SERVER`, default
postgres@127.0.0.1:5432 with trust auth, as for the backend tests)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, List

import psycopg2
import pytest
from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    AllSlotsReset,
    BotUttered,
    Event,
    Restarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.pool import QueuePool

from conversation_store.forgetting import (
    ForgettingSQLTrackerStore,
    configured_store,
    forget_requested,
    retention_cutoff,
    store_from_endpoints,
)

REPO = Path(__file__).resolve().parents[2]
POSTGRES_SERVER = os.environ.get("LOTSE_TEST_POSTGRES_SERVER", "postgres@127.0.0.1:5432")
EMAIL = "anna@tischlerei-sonnenschein.de"
DAY = 24 * 3600.0


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(REPO / "domain.yml"))


@pytest.fixture
def sqlite_store(tmp_path: Path, domain: Domain) -> ForgettingSQLTrackerStore:
    return ForgettingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "conversations.sqlite3"))


@pytest.fixture
def postgres_store(domain: Domain) -> Iterator[ForgettingSQLTrackerStore]:
    user, _, address = POSTGRES_SERVER.partition("@")
    host, _, port = address.partition(":")
    name = f"lotse_tracker_test_{secrets.token_hex(4)}"
    admin = psycopg2.connect(host=host, port=port, user=user, dbname="postgres", connect_timeout=5)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    store = ForgettingSQLTrackerStore(
        domain=domain, dialect="postgresql", host=host, port=int(port), db=name, username=user
    )
    try:
        yield store
    finally:
        store.engine.dispose()
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> ForgettingSQLTrackerStore:
    return request.getfixturevalue(f"{request.param}_store")


def intake_turns(at: float) -> List[Event]:
    return [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered(EMAIL, {"name": "inform", "confidence": 0.9}, timestamp=at + 1),
        SlotSet("contact_email", EMAIL, timestamp=at + 2),
        ActionExecuted("action_listen", timestamp=at + 3),
    ]


def deletion_turn(at: float) -> List[Event]:
    return [
        UserUttered("Bitte löschen Sie meine Daten", {"name": "delete_my_data", "confidence": 0.99}, timestamp=at),
        ActionExecuted("action_delete_my_data", timestamp=at + 1),
        BotUttered("Ich habe Ihre Angaben gelöscht.", timestamp=at + 2),
        AllSlotsReset(timestamp=at + 3),
        Restarted(timestamp=at + 4),
        ActionExecuted("action_listen", timestamp=at + 5),
    ]


def stored_rows(store: ForgettingSQLTrackerStore, sender: str) -> List[str]:
    with store.session_scope() as session:
        return [row.data for row in session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender)]


async def save(store: ForgettingSQLTrackerStore, domain: Domain, sender: str, events: List[Event]) -> None:
    await store.save(DialogueStateTracker.from_events(sender, events, slots=domain.slots))


async def test_delete_my_data_removes_every_earlier_event_of_the_conversation(
    store: ForgettingSQLTrackerStore, domain: Domain
) -> None:
    now = time.time()
    await save(store, domain, "employer", intake_turns(now))
    await save(store, domain, "bystander", intake_turns(now))
    assert any(EMAIL in row for row in stored_rows(store, "employer"))
    await save(store, domain, "employer", intake_turns(now) + deletion_turn(now + 10))
    assert any(EMAIL in row for row in stored_rows(store, "employer")), "saving a turn deletes nothing by itself"
    forgotten = await forget_requested(store, "employer")
    assert forgotten is not None and forgotten.get_slot("contact_email") is None
    assert any(event.get("value") == EMAIL for event in (e.as_dict() for e in forgotten.events))
    rows = stored_rows(store, "employer")
    assert rows and not any(EMAIL in row or "löschen" in row for row in rows)
    assert await forget_requested(store, "employer") is None, "nothing waits once it is carried out"
    tracker = await store.retrieve_full_tracker("employer")
    assert tracker is not None and tracker.get_slot("contact_email") is None
    assert any(EMAIL in row for row in stored_rows(store, "bystander")), "only the asking conversation is deleted"


async def test_the_conversation_goes_on_normally_after_the_deletion(
    store: ForgettingSQLTrackerStore, domain: Domain
) -> None:
    now = time.time()
    await save(store, domain, "employer", intake_turns(now) + deletion_turn(now + 10))
    await forget_requested(store, "employer")
    tracker = await store.retrieve("employer")
    assert tracker is not None
    later = UserUttered("Hallo", {"name": "greet", "confidence": 0.99}, timestamp=now + 30)
    await store.save(DialogueStateTracker.from_events("employer", [*tracker.events, later], slots=domain.slots))
    assert sum("Hallo" in row for row in stored_rows(store, "employer")) == 1


async def test_conversations_that_ended_before_the_retention_period_are_removed(
    store: ForgettingSQLTrackerStore, domain: Domain
) -> None:
    now = time.time()
    await save(store, domain, "ended-long-ago", intake_turns(now - 40 * DAY))
    await save(store, domain, "active-again", intake_turns(now - 40 * DAY) + intake_turns(now - DAY))
    removed = store.delete_ended_before(now - 30 * DAY)
    assert removed == 1
    assert stored_rows(store, "ended-long-ago") == []
    assert len(stored_rows(store, "active-again")) == 8, "a conversation still in use keeps its whole history"


def test_the_retention_cutoff_counts_back_from_now() -> None:
    from datetime import timedelta

    assert retention_cutoff(100 * DAY, timedelta(days=30)) == 70 * DAY


async def test_the_retention_job_cleans_the_store_configured_in_endpoints_yml(
    tmp_path: Path, domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOTSE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LOTSE_ACTION_URL", "http://127.0.0.1:1/webhook")
    monkeypatch.setenv("LOTSE_ACTION_SECRET", "not-used-here")
    configured = store_from_endpoints(str(REPO / "endpoints.yml"))
    configured.domain = domain
    now = time.time()
    await save(configured, domain, "ended-long-ago", intake_turns(now - 31 * DAY))
    await save(configured, domain, "recent", intake_turns(now - 29 * DAY))
    environment = {**os.environ, "LOTSE_VAR_DIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    job = subprocess.run(
        [sys.executable, "-m", "conversation_store.retention", "--endpoints", "endpoints.yml"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert job.returncode == 0, job.stderr
    assert "removed 1 conversation(s)" in job.stderr
    assert (tmp_path / "conversations.sqlite3").exists()
    assert stored_rows(configured, "ended-long-ago") == [] and stored_rows(configured, "recent")


async def test_the_retention_period_is_configurable(tmp_path: Path, domain: Domain) -> None:
    store = ForgettingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "c.sqlite3"))
    now = time.time()
    await save(store, domain, "ten-days-old", intake_turns(now - 10 * DAY))
    environment = {
        **os.environ,
        "LOTSE_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(REPO),
        "LOTSE_CONVERSATION_RETENTION_DAYS": "7",
    }
    (tmp_path / "endpoints.yml").write_text(
        f"tracker_store:\n  type: conversation_store.forgetting.ForgettingSQLTrackerStore\n"
        f"  dialect: sqlite\n  db: {tmp_path / 'c.sqlite3'}\n"
    )
    job = subprocess.run(
        [sys.executable, "-m", "conversation_store.retention", "--endpoints", str(tmp_path / "endpoints.yml")],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert job.returncode == 0, job.stderr
    assert stored_rows(store, "ten-days-old") == []


async def test_a_conversation_that_never_asked_is_not_touched(store: ForgettingSQLTrackerStore, domain: Domain) -> None:
    await save(store, domain, "employer", intake_turns(time.time()))
    assert await forget_requested(store, "employer") is None
    assert await forget_requested(store, "nobody") is None
    assert any(EMAIL in row for row in stored_rows(store, "employer"))


async def test_a_deletion_request_is_found_in_the_stored_events_without_reading_the_conversation(
    store: ForgettingSQLTrackerStore, domain: Domain
) -> None:
    """After each turn the channel asks whether a deletion waits (issue 18 L5: one indexed query per turn)."""
    now = time.time()
    await save(store, domain, "employer", intake_turns(now))
    assert not store.asked_for_deletion("employer") and not store.asked_for_deletion("nobody")
    await save(store, domain, "employer", intake_turns(now) + deletion_turn(now + 10))
    assert store.asked_for_deletion("employer")
    wrapped = AwaitableTrackerStore(FailSafeTrackerStore(store))  # as the Rasa server holds it
    assert configured_store(wrapped) is store
    assert await forget_requested(wrapped, "employer") is not None
    assert not store.asked_for_deletion("employer")


def test_the_sqlite_store_keeps_its_connections_open_and_writes_ahead(tmp_path: Path, domain: Domain) -> None:
    """SQLAlchemy 1.4 would open and close the file for every session, several times per turn."""
    sqlite = ForgettingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "conversations.sqlite3"))
    assert isinstance(sqlite.engine.pool, QueuePool)
    assert sqlite.sessionmaker.kw["bind"] is sqlite.engine
    with sqlite.engine.connect() as connection:  # one synced log write per commit; readers never block it
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path: Path, domain: Domain) -> None:
    old_umask = os.umask(0o022)
    try:
        ForgettingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "conversations.sqlite3"))
    finally:
        os.umask(old_umask)
    assert (tmp_path / "conversations.sqlite3").stat().st_mode & 0o777 == 0o600
