"""`python -m insights --source sqlite|rabbitmq`: the conversation-insights consumer (scripts/stack.py
starts it). Settings from the environment:
- LOTSE_INSIGHTS_SECRET: the key of the daily conversation hash and the fact ids (stack.py keeps one
  in var/insights-secret); it must not change, or a replay is counted again;
- LOTSE_BACKEND_URL, LOTSE_BOT_API_TOKEN (as for tickets); LOTSE_VAR_DIR (status file, cursor, and the
  open conversations in insights_state.sqlite3 unless LOTSE_BOT_STATE_URL names the shared database);
- sqlite: the tracker store ${LOTSE_VAR_DIR}/conversations.sqlite3 (endpoints.yml);
- rabbitmq: LOTSE_RABBITMQ_HOST/_PORT/_USER/_PASSWORD, LOTSE_INSIGHTS_QUEUE (lotse-insights),
  LOTSE_INSIGHTS_EXCHANGE (lotse-events, as endpoints.production.yml; a test names its own),
  LOTSE_INSIGHTS_MESSAGE_TTL_MS and LOTSE_INSIGHTS_MAX_LENGTH (as in endpoints.production.yml)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from urllib.parse import quote

from conversation_store.event_queue import DEFAULT_MAX_LENGTH, DEFAULT_MESSAGE_TTL_MS, EXCHANGE
from insights.mapping import EventMapper
from insights.open_conversations import OpenConversations
from insights.poster import FactPoster
from insights.pump import Pump
from insights.rabbit import QueueSettings, run_rabbit
from insights.status import Status
from insights.tail import run_tail

DEFAULT_QUEUE = "lotse-insights"


def queue_settings() -> QueueSettings:
    env = os.environ
    user, password = quote(env.get("LOTSE_RABBITMQ_USER", "guest")), quote(env.get("LOTSE_RABBITMQ_PASSWORD", ""))
    host, port = env.get("LOTSE_RABBITMQ_HOST", "127.0.0.1"), env.get("LOTSE_RABBITMQ_PORT", "5672")
    return QueueSettings(
        url=f"amqp://{user}:{password}@{host}:{port}/",
        queue=env.get("LOTSE_INSIGHTS_QUEUE", DEFAULT_QUEUE),
        message_ttl_ms=int(env.get("LOTSE_INSIGHTS_MESSAGE_TTL_MS", DEFAULT_MESSAGE_TTL_MS)),
        max_length=int(env.get("LOTSE_INSIGHTS_MAX_LENGTH", DEFAULT_MAX_LENGTH)),
        exchange=env.get("LOTSE_INSIGHTS_EXCHANGE", EXCHANGE),
    )


async def main(source: str) -> None:
    secret = os.environ.get("LOTSE_INSIGHTS_SECRET", "").encode("utf-8")
    if not secret:
        sys.exit("LOTSE_INSIGHTS_SECRET is not set")
    var_dir = Path(os.environ.get("LOTSE_VAR_DIR", "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    store = OpenConversations.in_var_dir(var_dir)
    mapper = EventMapper(secret, restored=store.load())
    pump = Pump(mapper, FactPoster.from_env(), Status(source), var_dir, store)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    try:
        if source == "rabbitmq":
            await run_rabbit(pump, queue_settings(), stop)
        else:
            await run_tail(pump, var_dir / "conversations.sqlite3", secret, stop)
    finally:
        await pump.poster.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=("sqlite", "rabbitmq"), default="sqlite")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(main(parser.parse_args().source))
