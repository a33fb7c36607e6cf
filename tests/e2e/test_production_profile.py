"""The production profile on this machine's services: conversations in PostgreSQL (SQL tracker
store), locks in Redis, events to RabbitMQ without personal data, the backend on PostgreSQL with
accounts from the CLI, the bot side's state (outbox, status notices, connector entries) in the
PostgreSQL database of `LOTSE_BOT_STATE_URL`."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
import uuid
from typing import Iterator

import aio_pika
import httpx
import psycopg2
import pytest

from conftest import Conversation
from conversation_store.scrubbing_broker import queue_arguments
from intake_script import CARPENTER_IN_GARBSEN_DE, run_intake
from ports import shifted
from stack import BACKEND_PYTHON, REPO, Ports, Stack

from channels.status_notices.signing import signature

PORTS = shifted(Ports(rasa=6005, actions=6055, backend=6000, web=6080))
POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def administer(statement: str) -> None:
    connection = psycopg2.connect(dbname="postgres", **POSTGRES)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
TEST_QUEUE_PREFIX = "lotse-e2e-"
EXCHANGE = "lotse-events"  # endpoints.production.yml
PERSONAL = (
    "Tischlerei Sonnenschein",
    "Anna Sonnenschein",
    "personal@tischlerei-sonnenschein.de",
    "0511 123456",
    "511123456",
)


def queues_bound_to(exchange: str) -> set[str]:
    listing = subprocess.run(
        ["rabbitmqctl", "-q", "list_bindings", "source_name", "destination_name"],
        capture_output=True,
        text=True,
        check=True,
    )
    pairs = [line.split("\t") for line in listing.stdout.splitlines()]
    return {pair[1] for pair in pairs if len(pair) == 2 and pair[0] == exchange}


async def bind_consumer_queue(name: str) -> None:
    """What the analytics consumer will do: declare its own queue, with the limits, and bind it."""
    async with await aio_pika.connect_robust(AMQP_URL) as connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(name, durable=True, arguments=queue_arguments(600_000, 10_000))
        await queue.bind(EXCHANGE)


async def delete_queue(name: str) -> None:
    async with await aio_pika.connect_robust(AMQP_URL) as connection:
        channel = await connection.channel()
        await channel.queue_delete(name)


async def drain_and_delete(name: str) -> list[str]:
    await asyncio.sleep(1)  # Rasa publishes in background tasks after it has answered
    async with await aio_pika.connect_robust(AMQP_URL) as connection:
        channel = await connection.channel()
        queue = await channel.get_queue(name)
        bodies = []
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            bodies.append(message.body.decode("utf-8"))
        await channel.queue_delete(name)
        return bodies


def production_bot_token(env: dict[str, str]) -> str:
    """The bot's account as production makes it: with the backend's CLI, on the profile's database."""
    account = subprocess.run(
        [str(BACKEND_PYTHON), "-m", "backend", "create-user", "--role", "bot", "--username", "lotse-bot"],
        cwd=REPO,
        env={**env, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "LOTSE_PROFILE": "production"},
        capture_output=True,
        text=True,
        check=True,
    )
    token: str = json.loads(account.stdout)["api_token"]
    return token


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, str]]:
    suffix = uuid.uuid4().hex[:8]
    backend_db, tracker_db = f"lotse_backend_{suffix}", f"lotse_tracker_{suffix}"
    state_db = f"lotse_bot_state_{suffix}"
    for database in (backend_db, tracker_db, state_db):
        administer(f'CREATE DATABASE "{database}"')
    env = {
        "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{backend_db}",
        "LOTSE_TRACKER_DB_HOST": "127.0.0.1",
        "LOTSE_TRACKER_DB_PORT": "5432",
        "LOTSE_TRACKER_DB_NAME": tracker_db,
        "LOTSE_TRACKER_DB_USER": "postgres",
        "LOTSE_TRACKER_DB_PASSWORD": "",
        "LOTSE_REDIS_HOST": "127.0.0.1",
        "LOTSE_REDIS_PORT": "6379",
        "LOTSE_RABBITMQ_HOST": "127.0.0.1",
        "LOTSE_RABBITMQ_USER": "guest",
        "LOTSE_RABBITMQ_PASSWORD": "guest",
        "LOTSE_INSIGHTS_QUEUE": f"{TEST_QUEUE_PREFIX}insights-{suffix}",  # the stack's insights consumer
        "LOTSE_BOT_STATE_URL": f"postgresql://postgres@127.0.0.1:5432/{state_db}",
        # every test of this module talks from 127.0.0.1 to one stack: three intakes exceed 30 messages a minute
        "LOTSE_MESSAGE_RATE": "100000/minute",
    }
    env["LOTSE_BOT_API_TOKEN"] = production_bot_token(env)
    stack = Stack(var_dir=tmp_path_factory.mktemp("var-production"), ports=PORTS, profile="production", extra_env=env)
    try:
        stack.start()
        stack.wait_until_ready()
        yield stack, tracker_db
    finally:
        stack.stop()
        asyncio.run(delete_queue(env["LOTSE_INSIGHTS_QUEUE"]))
        for database in (backend_db, tracker_db, state_db):
            administer(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_production_profile_keeps_conversations_in_postgresql(production: tuple[Stack, str]) -> None:
    stack, tracker_db = production
    sender = f"prod-{uuid.uuid4().hex}"
    answer = httpx.post(
        f"http://127.0.0.1:{PORTS.rasa}/webhooks/rest/webhook",
        json={"sender": sender, "message": "Was kostet das beschleunigte Fachkräfteverfahren?"},
        timeout=60,
    )
    assert "411" in answer.json()[0]["text"]
    connection = psycopg2.connect(dbname=tracker_db, **POSTGRES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events WHERE sender_id = %s", (sender,))
        stored = cursor.fetchone()[0]
    connection.close()
    assert stored > 3


def test_an_intakes_events_reach_a_consumer_without_personal_data(production: tuple[Stack, str]) -> None:
    # the profile declares no queue: none without a consumer (here: the stack's insights consumer and this test's)
    assert not {queue for queue in queues_bound_to(EXCHANGE) if not queue.startswith(TEST_QUEUE_PREFIX)}
    queue = f"{TEST_QUEUE_PREFIX}analytics-{uuid.uuid4().hex}"
    asyncio.run(bind_consumer_queue(queue))
    try:
        german = Conversation(f"http://127.0.0.1:{PORTS.rasa}", "de")
        run_intake(german, CARPENTER_IN_GARBSEN_DE)
        assert "LT-" in german.say_text("Ja, einverstanden")
    finally:
        bodies = asyncio.run(drain_and_delete(queue))
    events = [json.loads(body) for body in bodies]
    assert len([event for event in events if event["event"] == "user"]) == len(CARPENTER_IN_GARBSEN_DE) + 1
    assert {"contact_name", "contact_email", "contact_phone", "company_name"} <= {e.get("name") for e in events}
    leaked = [body for body in bodies if any(value in body for value in PERSONAL)]
    assert not leaked


def test_production_backend_starts_without_development_accounts(production: tuple[Stack, str]) -> None:
    stack, _ = production
    assert not (stack.var_dir / "dev-credentials.json").exists()
    assert httpx.get(f"http://127.0.0.1:{PORTS.backend}/api/v1/tickets").status_code == 401


def stored_insight_facts(stack: Stack) -> list[tuple]:
    backend_db = stack.extra_env["DATABASE_URL"].rsplit("/", 1)[1]
    connection = psycopg2.connect(dbname=backend_db, **POSTGRES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('insight_facts') IS NOT NULL")
        if not cursor.fetchone()[0]:
            pytest.skip("the backend has no insight_facts table yet (the insights-backend branch)")
        cursor.execute("SELECT kind, row_to_json(insight_facts)::text FROM insight_facts")
        rows = cursor.fetchall()
    connection.close()
    return rows


def test_the_insights_consumer_reports_its_backlog_and_stores_facts_without_personal_data(
    production: tuple[Stack, str],
) -> None:
    """Issue 17 I5: the intake above reached the backend through RabbitMQ and the consumer as facts only."""
    stack, _ = production
    status = json.loads((stack.var_dir / "insights-status.json").read_text())
    assert status["source"] == "rabbitmq" and isinstance(status["backlog"], int)
    deadline, rows = time.monotonic() + 90, []
    while time.monotonic() < deadline:
        rows = stored_insight_facts(stack)
        if {"intake_started", "intake_completed"} <= {kind for kind, _ in rows}:
            break
        time.sleep(1)
    assert {"conversation_started", "topic_asked", "intake_started", "intake_completed"} <= {kind for kind, _ in rows}
    leaked = [row for _, row in rows if any(value in row for value in PERSONAL)]
    assert not leaked
    insights = httpx.get(f"http://127.0.0.1:{PORTS.backend}/api/v1/health", timeout=10).json()["insights"]
    assert (insights["consumer"], insights["source"]) == ("reporting", "rabbitmq")
    assert isinstance(insights["backlog"], int)


def post_notice(stack: Stack, event_id: str, reference: str, status: str) -> dict:
    body = json.dumps(
        {"event_id": event_id, "reference": reference, "status": status, "changed_at": "2026-11-26T09:20:00+00:00"}
    ).encode()
    stamp = str(int(time.time()))
    secret = stack.environment()["LOTSE_STATUS_WEBHOOK_SECRET"]
    headers = {
        "X-Lotse-Timestamp": stamp,
        "X-Lotse-Event-Id": event_id,
        "X-Lotse-Signature": signature(secret, stamp, event_id, body),
        "Content-Type": "application/json",
    }
    answer = httpx.post(f"http://127.0.0.1:{PORTS.rasa}/webhooks/status/webhook", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_status_notice_is_kept_in_postgresql_and_told_by_the_bot(production: tuple[Stack, str]) -> None:
    """Issue 16 S1 and 18 L3 on the production profile: the notice store is the shared PostgreSQL
    database, the trained bot tells the notice (external intent) and a replay is refused."""
    stack, _ = production
    german = Conversation(f"http://127.0.0.1:{PORTS.rasa}", "de")
    run_intake(german, CARPENTER_IN_GARBSEN_DE)
    reference = re.search(r"LT-\d{4}-[0-9A-Z]{6}", german.say_text("Ja, einverstanden"))
    assert reference, "no reference after the consent"
    event_id = uuid.uuid4().hex
    assert post_notice(stack, event_id, reference.group(0), "in_pre_check") == {"result": "kept"}
    replies = german.say("Danke")
    assert replies[0]["text"] == f"Neuigkeiten zu Ihrem Fall {reference.group(0)} – neuer Stand: in der Vorprüfung."
    assert post_notice(stack, event_id, reference.group(0), "in_pre_check") == {"result": "duplicate"}
    state_db = stack.extra_env["LOTSE_BOT_STATE_URL"].rsplit("/", 1)[1]
    connection = psycopg2.connect(dbname=state_db, **POSTGRES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT told_at IS NOT NULL FROM status_notices WHERE event_id = %s", (event_id,))
        told = cursor.fetchone()
        cursor.execute("SELECT store FROM lotse_schema_versions")
        stores = {row[0] for row in cursor.fetchall()}
    connection.close()
    assert told == (True,)
    assert {"outbox", "status_notices"} <= stores
