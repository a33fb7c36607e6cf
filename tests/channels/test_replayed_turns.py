"""Which REST requests are looked up as repeats (channels/replayed_turns.py): the request id nginx or
a client sends, and the record of ids already received, on the real Redis (db 15)."""

from __future__ import annotations

import uuid

import redis

from channels.replayed_turns import SEEN_FOR_SECONDS, SEEN_PREFIX, SeenRequests, request_id

REDIS_URL = "redis://127.0.0.1:6379/15"


def test_only_a_well_formed_request_id_becomes_the_message_id() -> None:
    assert request_id({"x-request-id": "0123456789abcdef0123456789abcdef"}) == "0123456789abcdef0123456789abcdef"
    assert request_id({"x-request-id": "trace-4f1c2e9a"}) == "trace-4f1c2e9a"
    assert request_id({"x-request-id": "short"}) is None
    assert request_id({"x-request-id": 'x" injected=1'}) is None
    assert request_id({}) is None


def test_a_request_id_is_new_once_and_then_looked_up_on_every_server() -> None:
    first_server, second_server = SeenRequests(REDIS_URL), SeenRequests(REDIS_URL)
    request = f"test-{uuid.uuid4().hex}"
    try:
        assert first_server.certainly_new(request), "a first try runs at once, with no tracker read"
        assert not second_server.certainly_new(request), "nginx's retry on the other server is looked up"
        assert not first_server.certainly_new(request)
        assert 0 < redis.Redis.from_url(REDIS_URL).ttl(f"{SEEN_PREFIX}:{request}") <= SEEN_FOR_SECONDS
    finally:
        redis.Redis.from_url(REDIS_URL).delete(f"{SEEN_PREFIX}:{request}")


def test_without_redis_or_when_it_fails_every_id_is_looked_up() -> None:
    assert not SeenRequests(None).certainly_new("trace-4f1c2e9a")
    assert not SeenRequests("redis://127.0.0.1:9/0").certainly_new("trace-4f1c2e9a")
