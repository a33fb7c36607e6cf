"""How many events a second the insights consumer maps and posts (issue 17 I5, goal: 50 events/s).

Run from the repo root: `.venv-rasa/bin/python bench/insights.py [--conversations 200]`.
Two runs over the same synthetic conversations (an intake with personal data, a question, a fallback):
- rabbitmq: published to a throw-away fanout exchange on 127.0.0.1:5672, consumed by the production
  consumer (insights/rabbit.py), timed until every event is acknowledged;
- sqlite: written to a tracker store `events` table, read by the embedded default's source
  (insights/tail.py), timed until the cursor reaches the last row.
The mapping's conversation state goes to a SQLite state store, as in the embedded default.
The facts and the backlog reports go to the backend stand-in (tests/insights/backend_standin.py) unless `--backend-url` and
`--token` name a real backend (then its speed is part of the figure).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List

import aio_pika

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actions.insights import topic_insight  # noqa: E402
from conversation_store.event_queue import queue_arguments  # noqa: E402
from insights.mapping import EventMapper  # noqa: E402
from insights.open_conversations import SQLITE_FILE, OpenConversations  # noqa: E402
from insights.poster import FactPoster  # noqa: E402
from insights.pump import Pump  # noqa: E402
from insights.rabbit import QueueSettings, run_rabbit  # noqa: E402
from insights.status import Status  # noqa: E402
from insights.tail import run_tail  # noqa: E402
from tests.insights.backend_standin import TOKEN, FactsStandin  # noqa: E402
from tests.insights.test_mapping import intake_with_personal_data  # noqa: E402
from tests.insights.test_consumer import RABBIT_URL, delete_queue, publish, tracker_store, write_events  # noqa: E402

SECRET = b"bench-secret"
GOAL_EVENTS_PER_SECOND = 50


def conversations(count: int) -> List[Dict[str, Any]]:
    events: List[Dict[str, Any]] = []
    for number in range(count):
        conversation = intake_with_personal_data()
        conversation.sender = f"bench-{number}"
        conversation.user("Was kostet das?", "ask_fee_procedure").bot("…", topic_insight("fee_procedure", "answered"))
        conversation.user("blorf", "nlu_fallback").bot("?", topic_insight("unknown", "fallback", "blorf"))
        events += [{**event, "sender_id": conversation.sender} for event in conversation.events]
    return events


async def until_delivered(pump: Pump, total: int, limit: float = 600) -> float:
    start = time.perf_counter()
    while pump.status.events < total:
        if time.perf_counter() - start > limit:
            raise TimeoutError(f"the consumer delivered {pump.status.events} of {total} events in {limit} s")
        await asyncio.sleep(0.02)
    return time.perf_counter() - start


async def bench_rabbitmq(events: List[Dict[str, Any]], pump: Pump) -> float:
    """The events wait in the consumer's queue (declared as the consumer declares it) before it starts."""
    name = f"bench-insights-{uuid.uuid4().hex[:8]}"
    settings = QueueSettings(RABBIT_URL, name, 600_000, 1_000_000, exchange=name)
    connection = await aio_pika.connect_robust(RABBIT_URL)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(name, aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(name, durable=True, arguments=queue_arguments(600_000, 1_000_000))
        await queue.bind(exchange, "")
    await publish(settings, events)
    stop = asyncio.Event()
    task = asyncio.create_task(run_rabbit(pump, settings, stop))
    try:
        return await until_delivered(pump, len(events))
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        await delete_queue(settings)


async def bench_sqlite(events: List[Dict[str, Any]], pump: Pump, folder: Path) -> float:
    database = folder / "conversations.sqlite3"
    write_events(tracker_store(database), events)
    stop = asyncio.Event()
    task = asyncio.create_task(run_tail(pump, database, SECRET, stop))
    try:
        return await until_delivered(pump, len(events))
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def main(arguments: argparse.Namespace) -> None:
    events = conversations(arguments.conversations)
    standin = None if arguments.backend_url else await FactsStandin().start()
    url, token = (arguments.backend_url, arguments.token) if arguments.backend_url else (standin.url, TOKEN)  # type: ignore[union-attr]
    try:
        for source in ("rabbitmq", "sqlite"):
            with tempfile.TemporaryDirectory() as folder:
                store = OpenConversations(f"sqlite:///{Path(folder) / SQLITE_FILE}")  # as `make run` keeps it
                pump = Pump(EventMapper(SECRET), FactPoster(url, lambda: token), Status(source), Path(folder), store)
                if source == "rabbitmq":
                    seconds = await bench_rabbitmq(events, pump)
                else:
                    seconds = await bench_sqlite(events, pump, Path(folder))
                await pump.poster.close()
            rate = len(events) / seconds
            verdict = "meets" if rate >= GOAL_EVENTS_PER_SECOND else "MISSES"
            print(
                f"{source:9} {len(events)} events, {pump.status.posted} facts stored in {seconds:.2f} s: "
                f"{rate:,.0f} events/s ({verdict} the goal of {GOAL_EVENTS_PER_SECOND}/s)"
            )
    finally:
        if standin:
            await standin.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--backend-url", help="a running backend instead of the stand-in")
    parser.add_argument("--token", default="", help="the bot's API token for --backend-url")
    asyncio.run(main(parser.parse_args()))
