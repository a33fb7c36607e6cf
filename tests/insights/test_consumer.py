"""The consumer's shell against a stand-in backend: posting, retry until stored, the SQLite source with
its cursor, the RabbitMQ source (a throw-away exchange and queue on the local RabbitMQ), the status file
and the backlog reports to the backend."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import uuid
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import AsyncIterator, List

import aio_pika
import pytest

from insights.mapping import EventMapper
from insights.open_conversations import SQLITE_FILE, OpenConversations
from insights.poster import FactPoster
from insights.pump import Pump
from insights.rabbit import QueueSettings, run_rabbit
from insights.status import STATUS_FILE, Status
from insights.tail import CURSOR_FILE, run_tail
from tests.insights.backend_standin import TOKEN, FactsStandin
from tests.insights.test_mapping import SECRET, Conversation, intake_with_personal_data

RABBIT_URL = "amqp://guest:guest@127.0.0.1:5672/"


@pytest.fixture
async def backend() -> AsyncIterator[FactsStandin]:
    standin = await FactsStandin().start()
    yield standin
    await standin.stop()


def pump_for(backend: FactsStandin, var_dir: Path, source: str, report_seconds: float = 30) -> Pump:
    store = OpenConversations(f"sqlite:///{var_dir / SQLITE_FILE}")
    poster = FactPoster(backend.url, lambda: TOKEN)
    return Pump(EventMapper(SECRET), poster, Status(source), var_dir, store, report_seconds)


async def test_facts_are_posted_again_until_the_backend_stores_them(backend: FactsStandin, tmp_path: Path) -> None:
    backend.fail_next = 2
    pump = pump_for(backend, tmp_path, "test")
    await asyncio.wait_for(pump.deliver(intake_with_personal_data().scrubbed()), 20)
    assert backend.requests == 3
    assert sorted(f["kind"] for f in backend.stored) == ["conversation_started", "intake_completed", "intake_started"]
    assert pump.status.posted == 3 and pump.status.last_error_at is not None


async def test_a_refused_post_is_not_taken_as_stored(backend: FactsStandin) -> None:
    mapper = EventMapper(SECRET)
    facts = [fact for event in intake_with_personal_data().scrubbed() for fact in mapper.map(event)]
    assert (await FactPoster(backend.url, lambda: "wrong").post(facts)).ok is False
    assert (await FactPoster("http://127.0.0.1:9", lambda: TOKEN).post(facts)).ok is False  # nobody listens
    assert backend.stored == []
    posted = await FactPoster(backend.url, lambda: TOKEN).post(facts)
    assert (posted.ok, posted.stored, posted.duplicates) == (True, 3, 0)


async def test_a_fact_the_backend_refuses_is_dropped_and_the_others_are_stored(
    backend: FactsStandin, tmp_path: Path
) -> None:
    mapper = EventMapper(SECRET)
    good = [fact for event in intake_with_personal_data().scrubbed() for fact in mapper.map(event)]
    bad = replace(good[0], id="bad", kind="intake_abandoned")  # without the question the backend requires
    pump = pump_for(backend, tmp_path, "test")
    await asyncio.wait_for(pump.post_until_stored([good[0], bad, *good[1:]]), 10)
    assert sorted(fact["id"] for fact in backend.stored) == sorted(fact.id for fact in good)
    assert (pump.status.posted, pump.status.refused) == (3, 1)


def tracker_store(path: Path) -> sqlite3.Connection:
    """The `events` table as Rasa's SQL tracker store creates it."""
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) "
        "NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
    )
    return connection


def write_events(connection: sqlite3.Connection, events: List[dict]) -> None:
    rows = [
        (e["sender_id"], e["event"], e["timestamp"], json.dumps({k: v for k, v in e.items() if k != "sender_id"}))
        for e in events
    ]
    connection.executemany("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)", rows)
    connection.commit()


async def wait_for(condition, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds * 10)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not met in time")


async def test_the_sqlite_source_reads_the_tracker_store_once_and_keeps_its_cursor(
    backend: FactsStandin, tmp_path: Path
) -> None:
    database = tmp_path / "conversations.sqlite3"
    events = intake_with_personal_data().events
    write_events(tracker_store(database), events)
    stop = asyncio.Event()
    task = asyncio.create_task(run_tail(pump_for(backend, tmp_path, "sqlite"), database, SECRET, stop))
    await wait_for(lambda: len(backend.stored) == 3)
    await wait_for(lambda: json.loads((tmp_path / STATUS_FILE).read_text())["posted"] == 3)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert json.loads((tmp_path / CURSOR_FILE).read_text()) == {"last_id": len(events)}
    assert json.loads((tmp_path / STATUS_FILE).read_text())["backlog"] == 0
    published = json.dumps(backend.stored)
    assert "Jadwiga" not in published and "Nowak" not in published

    requests = backend.requests  # a restart goes on after the cursor: nothing is posted again
    stop = asyncio.Event()
    task = asyncio.create_task(run_tail(pump_for(backend, tmp_path, "sqlite"), database, SECRET, stop))
    await asyncio.sleep(1.5)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert backend.requests == requests


def conversations(count: int) -> List[dict]:
    events: List[dict] = []
    for number in range(count):
        conversation = intake_with_personal_data()
        events += [{**event, "sender_id": f"employer-{number}"} for event in conversation.events]
    return events


async def test_the_sqlite_source_reports_its_backlog_to_the_backend(backend: FactsStandin, tmp_path: Path) -> None:
    database = tmp_path / "conversations.sqlite3"
    events = conversations(40)  # 1200 rows: more than two batches of BATCH (500)
    assert 1000 < len(events) < 1500
    write_events(tracker_store(database), events)
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_tail(pump_for(backend, tmp_path, "sqlite", report_seconds=0), database, SECRET, stop)
    )
    await wait_for(lambda: len(backend.reports) >= 3)
    stop.set()
    await asyncio.wait_for(task, 10)
    backlogs = [report["backlog"] for report in backend.reports]
    assert backlogs[:3] == [len(events) - 500, len(events) - 1000, 0]
    assert {report["source"] for report in backend.reports} == {"sqlite"}
    newest = max(event["timestamp"] for event in events)
    assert backend.reports[-1]["last_event_at"] == datetime.fromtimestamp(newest, timezone.utc).isoformat()


async def test_backlog_reports_are_spaced_and_a_failed_one_does_not_stop_the_stream(
    backend: FactsStandin, tmp_path: Path
) -> None:
    pump = pump_for(backend, tmp_path, "sqlite", report_seconds=3600)
    for _ in range(3):
        await pump.publish_status()
    assert len(backend.reports) == 1  # the first at once, the next after report_seconds
    refused = pump_for(backend, tmp_path, "sqlite")
    refused.poster = FactPoster(backend.url, lambda: "wrong")
    await refused.publish_status()  # 401: logged, no exception
    down = pump_for(backend, tmp_path, "sqlite")
    down.poster = FactPoster("http://127.0.0.1:9", lambda: TOKEN)
    await down.publish_status()  # nobody listens: logged, no exception
    assert len(backend.reports) == 1 and json.loads((tmp_path / STATUS_FILE).read_text())["source"] == "sqlite"


async def publish(settings: QueueSettings, events: List[dict]) -> None:
    connection = await aio_pika.connect_robust(RABBIT_URL)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(settings.exchange, aio_pika.ExchangeType.FANOUT)
        for event in events:
            await exchange.publish(
                aio_pika.Message(json.dumps(event).encode(), delivery_mode=aio_pika.DeliveryMode.PERSISTENT), ""
            )


async def delete_queue(settings: QueueSettings) -> int:
    connection = await aio_pika.connect_robust(RABBIT_URL)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(settings.queue, passive=True)
        left = int(queue.declaration_result.message_count or 0)
        await queue.delete(if_unused=False, if_empty=False)
        await channel.exchange_delete(settings.exchange)
        return left


async def test_the_rabbitmq_source_acknowledges_only_stored_facts_and_a_replay_counts_once(
    backend: FactsStandin, tmp_path: Path
) -> None:
    name = f"test-insights-{uuid.uuid4().hex[:8]}"
    settings = QueueSettings(RABBIT_URL, name, 60_000, 1_000, exchange=name)
    backend.fail_next = 1_000_000  # the backend is down: nothing may be acknowledged
    stop = asyncio.Event()
    task = asyncio.create_task(run_rabbit(pump_for(backend, tmp_path, "rabbitmq"), settings, stop))
    await wait_for(lambda: (tmp_path / STATUS_FILE).exists() or backend.requests > 0, 10)
    await publish(settings, intake_with_personal_data().scrubbed())
    await wait_for(lambda: backend.requests >= 2)
    task.cancel()  # the consumer dies with its batch unacknowledged
    await asyncio.gather(task, return_exceptions=True)

    backend.fail_next = 0
    stop = asyncio.Event()
    task = asyncio.create_task(run_rabbit(pump_for(backend, tmp_path, "rabbitmq"), settings, stop))
    await wait_for(lambda: len(backend.stored) == 3)
    await publish(settings, intake_with_personal_data().scrubbed())  # the same events again: the same ids
    await asyncio.sleep(1.5)
    stop.set()
    await asyncio.wait_for(task, 15)
    assert len(backend.stored) == 3
    assert json.loads((tmp_path / STATUS_FILE).read_text())["duplicates"] >= 1
    assert await delete_queue(settings) == 0  # every message acknowledged


def close_connections_named(name: str) -> int:
    """What a RabbitMQ restart does to the consumer: its connection is cut (the broker itself is shared)."""
    listing = subprocess.run(
        ["rabbitmqctl", "-q", "list_connections", "pid", "client_properties"],
        capture_output=True,
        text=True,
        check=True,
    )
    pids = [line.split("\t")[0] for line in listing.stdout.splitlines() if f'"{name}"' in line or name in line]
    for pid in pids:
        subprocess.run(["rabbitmqctl", "-q", "close_connection", pid, "test: connection cut"], check=True)
    return len(pids)


async def test_the_rabbitmq_source_reconnects_after_its_connection_is_cut_and_loses_nothing(
    backend: FactsStandin, tmp_path: Path
) -> None:
    name = f"test-insights-{uuid.uuid4().hex[:8]}"
    settings = QueueSettings(RABBIT_URL, name, 60_000, 1_000, exchange=name)
    stop = asyncio.Event()
    task = asyncio.create_task(run_rabbit(pump_for(backend, tmp_path, "rabbitmq"), settings, stop))
    await wait_for(lambda: (tmp_path / STATUS_FILE).exists(), 15)
    first = intake_with_personal_data()
    await publish(settings, first.scrubbed())
    await wait_for(lambda: len(backend.stored) == 3)
    assert await asyncio.to_thread(close_connections_named, name) == 1
    second = Conversation(sender="employer-2", start=first.now + 10).session().user("Hallo", "greet").bot("Hallo")
    await publish(settings, second.scrubbed())  # while the consumer reconnects: the queue keeps them
    await wait_for(lambda: len(backend.stored) == 4, 60)
    stop.set()
    await asyncio.wait_for(task, 15)
    assert await delete_queue(settings) == 0
