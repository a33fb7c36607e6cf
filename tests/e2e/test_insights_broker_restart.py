"""Issue 17 I5: the insights consumer survives a RabbitMQ restart without losing an acknowledged event.

The production profile's backend (PostgreSQL, bot account from the CLI) and insights consumer
(`python -m insights --source rabbitmq`) run as processes; the events come from the production
profile's publisher, `ScrubbingPikaEventBroker`, as Rasa calls it (scrubbing, persistent messages,
its own unpublished-event queue), on an exchange and queue of this test's own. While it publishes a
steady stream, the local RabbitMQ application is stopped and started again (`rabbitmqctl stop_app` /
`start_app`: the node, its durable queues and persistent messages stay; every connection is cut).
Every published event must end as exactly one fact in the backend's table, and the same consumer
process, reconnected by itself, must report an empty backlog.

The broker is shared with other stacks on this machine: the outage lasts OUTAGE_SECONDS, and the
application is started again even when the test fails."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Set

import aio_pika
import httpx
import psycopg2
import pytest
import rasa.shared.core.events  # noqa: F401 (the broker's publish uses it; the Rasa server has it loaded)

from conversation_store.scrubbing import scrub_event
from conversation_store.scrubbing_broker import ScrubbingPikaEventBroker
from insights.mapping import EventMapper
from ports import shifted
from stack import Ports, Stack
from test_production_profile import AMQP_URL, POSTGRES, administer, production_bot_token

pytestmark = pytest.mark.rabbitmq_restart

PORTS = shifted(Ports(rasa=6205, actions=6255, backend=6200, web=6280))
SECRET, SENDER_KEY = "broker-restart-secret", "broker-restart-sender-key"
EVENTS_PER_SECOND = 50  # the consumer's goal (bench/insights.py)
EVENTS = 600
RESTART_AFTER = 150  # events published before the broker goes down
OUTAGE_SECONDS = 3


@contextmanager
def broker_stopped() -> Iterator[None]:
    """The RabbitMQ application down, and up again whatever happens meanwhile."""
    subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, timeout=60)
    try:
        yield
    finally:
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, timeout=120)
        subprocess.run(["rabbitmqctl", "-q", "await_startup"], check=True, timeout=120)


@pytest.fixture(scope="module")
def consumer_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Backend and insights consumer of the production profile, on a database and a queue of their own."""
    suffix = uuid.uuid4().hex[:8]
    database = f"lotse_backend_restart_{suffix}"
    administer(f'CREATE DATABASE "{database}"')
    env = {
        "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}",
        "LOTSE_RABBITMQ_HOST": "127.0.0.1",
        "LOTSE_RABBITMQ_USER": "guest",
        "LOTSE_RABBITMQ_PASSWORD": "guest",
        "LOTSE_INSIGHTS_QUEUE": f"lotse-e2e-restart-{suffix}",
        "LOTSE_INSIGHTS_EXCHANGE": f"lotse-e2e-restart-events-{suffix}",  # apart from other stacks' events
        "LOTSE_INSIGHTS_SECRET": SECRET,
    }
    env["LOTSE_BOT_API_TOKEN"] = production_bot_token(env)
    stack = Stack(var_dir=tmp_path_factory.mktemp("var-restart"), ports=PORTS, profile="production", extra_env=env)
    try:
        stack.start(only=["backend", "insights"])
        stack.wait_until_ready()
        yield stack
    finally:
        stack.stop()
        asyncio.run(delete_queue_and_exchange(env["LOTSE_INSIGHTS_QUEUE"], env["LOTSE_INSIGHTS_EXCHANGE"]))
        administer(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


async def delete_queue_and_exchange(queue: str, exchange: str) -> None:
    async with await aio_pika.connect_robust(AMQP_URL) as connection:
        channel = await connection.channel()
        await channel.queue_delete(queue)
        await channel.exchange_delete(exchange)


def stream(count: int) -> List[Dict[str, Any]]:
    """Events that each make exactly one fact: an employer asking for a person (`human_requested`)."""
    start = time.time() - count
    return [
        {
            "sender_id": f"restart-{number % 40}",
            "event": "user",
            "timestamp": start + number,
            "text": "Ich möchte mit einem Menschen sprechen",
            "parse_data": {"intent": {"name": "request_human", "confidence": 0.99}, "entities": []},
            "input_channel": "rest",
            "metadata": {"language": "de"},
        }
        for number in range(count)
    ]


def expected_fact_ids(events: List[Dict[str, Any]]) -> Set[str]:
    mapper = EventMapper(SECRET.encode("utf-8"))
    facts = [fact for event in events for fact in mapper.map(scrub_event(event, SENDER_KEY.encode("utf-8")))]
    assert len(facts) == len(events)
    return {fact.id for fact in facts}


def stored_fact_ids(stack: Stack) -> List[str]:
    database = stack.extra_env["DATABASE_URL"].rsplit("/", 1)[1]
    connection = psycopg2.connect(dbname=database, **POSTGRES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT fact_id FROM insight_facts")
        ids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return ids


async def publish_with_a_restart(stack: Stack, events: List[Dict[str, Any]]) -> None:
    broker = ScrubbingPikaEventBroker(
        "127.0.0.1",
        "guest",
        "guest",
        exchange_name=stack.extra_env["LOTSE_INSIGHTS_EXCHANGE"],
        sender_key=SENDER_KEY,
    )
    await broker.connect()
    try:
        for number, event in enumerate(events):
            if number == RESTART_AFTER:
                with broker_stopped():  # Rasa goes on answering meanwhile: its events keep coming
                    for waiting in events[number : number + OUTAGE_SECONDS * EVENTS_PER_SECOND]:
                        broker.publish(waiting)
                        await asyncio.sleep(1 / EVENTS_PER_SECOND)
                continue
            if RESTART_AFTER < number < RESTART_AFTER + OUTAGE_SECONDS * EVENTS_PER_SECOND:
                continue  # published during the outage above
            broker.publish(event)
            await asyncio.sleep(1 / EVENTS_PER_SECOND)
        await wait_until(
            lambda: not broker._unpublished_events and not broker._background_tasks,
            60,
            lambda: f"the publisher holds {len(broker._unpublished_events)} unpublished events",
        )
    finally:
        await broker.close()


async def wait_until(condition: Any, seconds: float, state: Any = lambda: "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not in {seconds} s: {state()}")
        await asyncio.sleep(0.5)


def consumer_health(stack: Stack) -> Dict[str, Any]:
    health: Dict[str, Any] = httpx.get(f"http://127.0.0.1:{PORTS.backend}/api/v1/health", timeout=10).json()
    return health["insights"]


async def test_a_rabbitmq_restart_loses_no_acknowledged_event(consumer_stack: Stack) -> None:
    consumer = consumer_stack.processes["insights"]
    await wait_until(lambda: consumer_health(consumer_stack)["consumer"] == "reporting", 60)
    events = stream(EVENTS)
    await publish_with_a_restart(consumer_stack, events)

    expected = expected_fact_ids(events)
    await wait_until(
        lambda: len(set(stored_fact_ids(consumer_stack)) & expected) == len(expected),
        120,
        lambda: f"{len(set(stored_fact_ids(consumer_stack)) & expected)} of {len(expected)} facts stored",
    )
    stored = stored_fact_ids(consumer_stack)
    assert sorted(stored) == sorted(expected)  # each event exactly one fact, nothing else
    assert consumer.poll() is None and consumer_stack.processes["insights"] is consumer  # reconnected by itself
    await wait_until(lambda: consumer_health(consumer_stack)["backlog"] == 0, 60)
    assert consumer_health(consumer_stack)["source"] == "rabbitmq"
