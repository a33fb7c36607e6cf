"""P2 against this machine's RabbitMQ (127.0.0.1:5672 guest/guest): the production profile's event
broker publishes an intake's events, as Rasa's tracker store hands them over, without personal data,
and declares a queue only when configured, with a TTL and a length limit."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from pathlib import Path
from typing import AsyncIterator, List

import aio_pika
import pytest
from aio_pika.exceptions import ChannelPreconditionFailed
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from conversation_store.scrubbing import pseudonym, scrub_event
from conversation_store.scrubbing_broker import ScrubbingPikaEventBroker, queue_arguments

REPO = Path(__file__).resolve().parents[2]
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
SENDER = "4915112345678"  # a WhatsApp sender id is the phone number
COMPANY, NAME, EMAIL = "Wiesenthal Bau GmbH", "Jolanda Wiesenthal", "j.wiesenthal@beispiel-bau.de"
PHONE_TYPED, PHONE = "0511 4711 815", "+495114711815"
PERSONAL = (SENDER, COMPANY, NAME, EMAIL, PHONE_TYPED, PHONE, "4711", "Wiesenthal", "beispiel-bau")


def user(text: str, intent: str, entities: List[dict] | None = None) -> UserUttered:
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    return UserUttered(
        text,
        intent=parse_data["intent"],
        entities=entities or [],
        parse_data=parse_data,
        input_channel="whatsapp",
        metadata={"language": "de"},
    )


def asked(slot: str, question: str) -> List[Event]:
    return [
        ActionExecuted("intake_form"),
        SlotSet("requested_slot", slot),
        BotUttered(question, metadata={"utter_action": f"utter_ask_{slot}"}),
        ActionExecuted("action_listen"),
    ]


INTAKE: List[Event] = [
    SessionStarted(metadata={"language": "de"}),
    ActionExecuted("action_listen"),
    user("Ich möchte einen Elektriker aus Marokko einstellen", "start_intake"),
    ActiveLoop("intake_form"),
    *asked("company_name", "Wie heißt Ihr Unternehmen?"),
    user(COMPANY, "inform"),
    SlotSet("company_name", COMPANY),
    *asked("contact_name", "Wer ist Ihre Ansprechperson?"),
    user(f"Ich bin {NAME}", "inform", [{"entity": "person", "value": NAME, "start": 8, "end": 26}]),
    SlotSet("contact_name", NAME),
    *asked("contact_email", "Ihre E-Mail-Adresse?"),
    user(EMAIL, "inform", [{"entity": "email", "value": EMAIL, "start": 0, "end": len(EMAIL)}]),
    SlotSet("contact_email", EMAIL),
    *asked("contact_phone", "Ihre Telefonnummer?"),
    user(PHONE_TYPED, "inform"),
    SlotSet("contact_phone", PHONE),
    ActionExecuted("intake_form"),
    SlotSet("requested_slot", "consent"),
    BotUttered(
        f"Zusammenfassung:\n- {COMPANY}\n- {NAME}\n- {EMAIL}\n- {PHONE}\nStimmt das?",
        data={"buttons": [{"title": "Ja", "payload": "/affirm"}]},
    ),
    ActionExecuted("action_listen"),
    user("ja", "affirm"),
    SlotSet("consent", True),
    ActiveLoop(None),
    ActionExecuted("action_submit_intake"),
    BotUttered(f"Danke, {NAME}! Wir melden uns unter {EMAIL}."),
    SlotSet("case_reference", "LH-7Q2K-9XW4"),
]


@pytest.fixture
async def consumer() -> AsyncIterator[aio_pika.abc.AbstractChannel]:
    connection = await aio_pika.connect_robust(AMQP_URL)
    async with connection:
        yield await connection.channel()


async def production_broker(monkeypatch: pytest.MonkeyPatch, exchange: str) -> EventBroker:
    endpoints = REPO / "endpoints.production.yml"
    for variable in re.findall(r"\$\{(\w+)\}", endpoints.read_text(encoding="utf-8")):
        monkeypatch.setenv(variable, "unused")  # Rasa expands every variable of the file
    for variable, value in {"HOST": "127.0.0.1", "USER": "guest", "PASSWORD": "guest"}.items():
        monkeypatch.setenv(f"LOTSE_RABBITMQ_{variable}", value)
    config = read_endpoint_config(str(endpoints), "event_broker")
    config.kwargs["exchange_name"] = exchange  # the test's own exchange, apart from any running stack
    broker = await EventBroker.create(config)
    assert isinstance(broker, ScrubbingPikaEventBroker)
    return broker


async def read_all(queue: aio_pika.abc.AbstractQueue, expected: int) -> List[bytes]:
    bodies: List[bytes] = []
    for _ in range(100):
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            bodies.append(message.body)
        if len(bodies) >= expected:
            break
        await asyncio.sleep(0.1)
    return bodies


async def test_an_intake_reaches_a_consumer_without_personal_data(
    monkeypatch: pytest.MonkeyPatch, consumer: aio_pika.abc.AbstractChannel
) -> None:
    exchange = f"lotse-test-events-{uuid.uuid4().hex}"
    broker = await production_broker(monkeypatch, exchange)
    try:
        assert broker.queues == []  # the production profile declares no queue of its own
        queue = await consumer.declare_queue(exclusive=True, arguments=queue_arguments(60_000, 1_000))
        await queue.bind(exchange)
        store = InMemoryTrackerStore(Domain.load(str(REPO / "domain.yml")), event_broker=broker)
        await store.save(DialogueStateTracker.from_events(SENDER, INTAKE))
        bodies = await read_all(queue, len(INTAKE))
    finally:
        await broker.close()
        await consumer.exchange_delete(exchange)

    assert len(bodies) == len(INTAKE)
    for body in bodies:
        text = body.decode("utf-8")
        assert not [value for value in PERSONAL if value in text], text
    events = [json.loads(body) for body in bodies]
    assert {event["event"] for event in events} >= {"session_started", "user", "bot", "action", "slot", "active_loop"}
    assert {event["name"] for event in events if event["event"] == "slot"} >= {"company_name", "contact_phone"}
    assert [event["parse_data"]["intent"]["name"] for event in events if event["event"] == "user"][-1] == "affirm"
    assert len({event["sender_id"] for event in events}) == 1


async def test_a_configured_queue_has_a_ttl_and_a_length_limit(consumer: aio_pika.abc.AbstractChannel) -> None:
    exchange, name = f"lotse-test-events-{uuid.uuid4().hex}", f"lotse-test-queue-{uuid.uuid4().hex}"
    broker = ScrubbingPikaEventBroker(
        "127.0.0.1", "guest", "guest", queues=[name], exchange_name=exchange, message_ttl_ms="60000", max_length="10"
    )
    await broker.connect()
    try:
        same = await consumer.declare_queue(name, durable=True, arguments=queue_arguments(60_000, 10))
        assert same.name == name
        with pytest.raises(ChannelPreconditionFailed):  # RabbitMQ refuses a declaration with other arguments
            await consumer.declare_queue(name, durable=True)
    finally:
        await broker.close()
        cleanup = await aio_pika.connect_robust(AMQP_URL)
        async with cleanup:
            channel = await cleanup.channel()
            await channel.queue_delete(name)
            await channel.exchange_delete(exchange)


async def test_events_kept_during_an_outage_are_sent_once_scrubbed(consumer: aio_pika.abc.AbstractChannel) -> None:
    """Rasa keeps the (already scrubbed) events that failed while RabbitMQ was away and sends them after the
    reconnect; scrubbed twice, their sender would be another conversation's (tests/e2e/test_insights_broker_restart.py
    runs the real outage)."""
    exchange = f"lotse-test-events-{uuid.uuid4().hex}"
    broker = ScrubbingPikaEventBroker("127.0.0.1", "guest", "guest", exchange_name=exchange, sender_key="key")
    await broker.connect()
    try:
        queue = await consumer.declare_queue(exclusive=True, arguments=queue_arguments(60_000, 1_000))
        await queue.bind(exchange)
        event = UserUttered(f"Ich bin {NAME}", timestamp=1.0).as_dict()
        broker.publish({**event, "sender_id": SENDER})
        broker._unpublished_events.append(scrub_event({**event, "sender_id": SENDER}, b"key"))  # as a failed one
        broker._publish_unpublished_messages()  # what the reconnect calls
        bodies = await read_all(queue, 2)
    finally:
        await broker.close()
        await consumer.exchange_delete(exchange)
    senders = [json.loads(body)["sender_id"] for body in bodies]
    assert senders == [pseudonym(SENDER, b"key")] * 2
    assert not [body for body in bodies if NAME.encode() in body]
