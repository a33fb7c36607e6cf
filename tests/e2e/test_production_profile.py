"""The production profile on this machine's services: conversations in PostgreSQL (SQL tracker
store), locks in Redis, events to RabbitMQ, the backend on PostgreSQL with accounts from the CLI."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Iterator

import httpx
import psycopg2
import pytest

from ports import shifted
from stack import BACKEND_PYTHON, REPO, Ports, Stack

PORTS = shifted(Ports(rasa=6005, actions=6055, backend=6000, web=6080))
POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def administer(statement: str) -> None:
    connection = psycopg2.connect(dbname="postgres", **POSTGRES)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def rabbitmq_messages(queue: str) -> int:
    listing = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "name", "messages"], capture_output=True, text=True, check=True
    )
    counts = dict(line.split() for line in listing.stdout.splitlines() if len(line.split()) == 2)
    return int(counts.get(queue, 0))


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, str]]:
    suffix = uuid.uuid4().hex[:8]
    backend_db, tracker_db = f"lotse_backend_{suffix}", f"lotse_tracker_{suffix}"
    for database in (backend_db, tracker_db):
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
    }
    account = subprocess.run(
        [str(BACKEND_PYTHON), "-m", "backend", "create-user", "--role", "bot", "--username", "lotse-bot"],
        cwd=REPO,
        env={**env, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "LOTSE_PROFILE": "production"},
        capture_output=True,
        text=True,
        check=True,
    )
    env["LOTSE_BOT_API_TOKEN"] = json.loads(account.stdout)["api_token"]
    stack = Stack(var_dir=tmp_path_factory.mktemp("var-production"), ports=PORTS, profile="production", extra_env=env)
    try:
        stack.start()
        stack.wait_until_ready()
        yield stack, tracker_db
    finally:
        stack.stop()
        for database in (backend_db, tracker_db):
            administer(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_production_profile_keeps_conversations_in_postgresql_and_publishes_events(
    production: tuple[Stack, str],
) -> None:
    stack, tracker_db = production
    events_before = rabbitmq_messages("lotse_events")
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
    assert rabbitmq_messages("lotse_events") > events_before


def test_production_backend_starts_without_development_accounts(production: tuple[Stack, str]) -> None:
    stack, _ = production
    assert not (stack.var_dir / "dev-credentials.json").exists()
    assert httpx.get(f"http://127.0.0.1:{PORTS.backend}/api/v1/tickets").status_code == 401
