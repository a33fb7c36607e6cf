"""Rasa's RabbitMQ event broker, publishing only scrubbed events (conversation_store.scrubbing).

It publishes to a fanout exchange. A queue exists only when a consumer needs one: the consumer
declares and binds it (with the same TTL and length limit), or the endpoint config lists it under
`queues`; with no queue bound, RabbitMQ discards the events, so nothing piles up unread."""

from __future__ import annotations

import secrets
from typing import Any, Dict, List, Optional, Sequence, Text, Union

import aio_pika
from rasa.core.brokers.pika import PikaEventBroker

from conversation_store.event_queue import DEFAULT_MAX_LENGTH, DEFAULT_MESSAGE_TTL_MS, queue_arguments
from conversation_store.scrubbing import scrub_event

__all__ = ["ScrubbingPikaEventBroker", "queue_arguments"]


class ScrubbingPikaEventBroker(PikaEventBroker):
    def __init__(
        self,
        host: Text,
        username: Text,
        password: Text,
        queues: Optional[Sequence[Text]] = None,
        message_ttl_ms: Union[int, Text] = DEFAULT_MESSAGE_TTL_MS,
        max_length: Union[int, Text] = DEFAULT_MAX_LENGTH,
        sender_key: Optional[Text] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(host, username, password, queues=list(queues or []), **kwargs)
        self.queue_arguments = queue_arguments(int(message_ttl_ms), int(max_length))
        # Without a configured key the pseudonyms hold only until a restart, which is enough to group a turn's events.
        self._sender_key = sender_key.encode("utf-8") if sender_key else secrets.token_bytes(32)

    @staticmethod
    def _get_queues_from_args(queues_arg: Union[List[Text], tuple, Text, None]) -> List[Text]:
        # Rasa's broker falls back to a default queue; this one declares none unless configured.
        return list(queues_arg or [])

    async def _bind_queue(self, queue_name: Text, channel: aio_pika.RobustChannel, exchange: aio_pika.Exchange) -> None:
        queue = await channel.declare_queue(queue_name, durable=True, arguments=self.queue_arguments)
        await queue.bind(exchange, "")

    def publish(self, event: Dict[Text, Any], headers: Optional[Dict[Text, Text]] = None) -> None:
        super().publish(scrub_event(event, self._sender_key), headers)

    def _publish_unpublished_messages(self, *_: Any, **__: Any) -> None:
        """After a reconnect, the events that failed while RabbitMQ was away go out as they were kept:
        already scrubbed. Rasa's version sends them through `publish`, which would scrub them again and
        turn the sender's pseudonym into a pseudonym of the pseudonym: a consumer would count the
        conversation's events after an outage as another conversation's (issue 17)."""
        while self._unpublished_events:
            super().publish(self._unpublished_events.popleft())
