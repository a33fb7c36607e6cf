"""The production source: the scrubbed events on RabbitMQ's fanout exchange `lotse-events`.

The consumer declares its own durable queue (with the exchange's TTL and length limit,
conversation_store/event_queue.py) and binds it, takes up to BATCH messages, and acknowledges them
only after the backend stored their facts: a restart of RabbitMQ, the backend or this process
redelivers what was not acknowledged, and the facts' ids make the second delivery count once."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, List
from urllib.parse import quote

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from conversation_store.event_queue import EXCHANGE, queue_arguments
from insights.pump import Pump

logger = logging.getLogger(__name__)
BATCH = 200
GATHER_SECONDS = 0.2  # how long a batch waits for more messages once one is there
IDLE_SECONDS = 5.0  # the status (backlog) and the idle intakes are looked at least this often


@dataclass(frozen=True)
class QueueSettings:
    url: str
    queue: str
    message_ttl_ms: int
    max_length: int
    exchange: str = EXCHANGE


async def run_rabbit(pump: Pump, settings: QueueSettings, stop: asyncio.Event) -> None:
    # named, so an operator (or a test) finds this consumer's connection in `rabbitmqctl list_connections`
    connection = await aio_pika.connect_robust(f"{settings.url}?name={quote(settings.queue)}")
    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=BATCH * 2)
        exchange = await channel.declare_exchange(
            settings.exchange, aio_pika.ExchangeType.FANOUT
        )  # as Rasa declares it
        arguments = queue_arguments(settings.message_ttl_ms, settings.max_length)
        queue = await channel.declare_queue(settings.queue, durable=True, arguments=arguments)
        await queue.bind(exchange, "")
        inbox: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        await queue.consume(inbox.put)
        while not stop.is_set():
            batch = await _gather(inbox)
            await pump.deliver(event for message in batch if (event := _event(message)))
            if batch:
                await _acknowledge(batch)
            pump.status.backlog = await _backlog(channel, settings.queue) + inbox.qsize()
            await pump.publish_status()


async def _gather(inbox: "asyncio.Queue[AbstractIncomingMessage]") -> List[AbstractIncomingMessage]:
    try:
        batch = [await asyncio.wait_for(inbox.get(), IDLE_SECONDS)]
    except asyncio.TimeoutError:
        return []
    deadline = asyncio.get_running_loop().time() + GATHER_SECONDS
    while len(batch) < BATCH:
        remaining = deadline - asyncio.get_running_loop().time()
        try:
            batch.append(inbox.get_nowait() if not inbox.empty() else await asyncio.wait_for(inbox.get(), remaining))
        except asyncio.TimeoutError:
            break
    return batch


def _event(message: AbstractIncomingMessage) -> Dict[str, Any]:
    try:
        event = json.loads(message.body)
    except ValueError:
        logger.warning("insights: a message on %s was not JSON and is skipped", EXCHANGE)
        return {}
    return event if isinstance(event, dict) else {}


async def _acknowledge(batch: List[AbstractIncomingMessage]) -> None:
    """One ack for the batch. After a reconnect the tags of the old channel are void: RabbitMQ
    redelivers those messages, and their facts come again with the same ids."""
    try:
        await batch[-1].ack(multiple=True)
    except Exception as error:  # aio_pika raises channel errors of several types here
        logger.warning("insights: acknowledging failed (%s); the batch will come again", type(error).__name__)


async def _backlog(channel: aio_pika.abc.AbstractChannel, queue_name: str) -> int:
    try:
        declared = await channel.declare_queue(queue_name, passive=True)
    except Exception as error:
        logger.info("insights: queue length unknown (%s)", type(error).__name__)
        return 0
    return int(declared.declaration_result.message_count or 0)
