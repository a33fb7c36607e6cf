"""Two Rasa servers' lock stores on the real Redis (127.0.0.1:6379, db 15, a fresh key prefix): every
ticket of one conversation is issued once, only one turn holds the lock at a time, a live turn keeps
it past its lease, and a killed server's ticket lapses within the lease."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from conversation_store.ordered_lock import OrderedRedisLockStore

REDIS = {"host": "127.0.0.1", "port": 6379, "db": 15}
SERVERS, TICKETS_PER_SERVER = 2, 40


@pytest.fixture
def prefix() -> Iterator[str]:
    prefix = f"lotsetest{uuid.uuid4().hex[:12]}"
    yield prefix
    connection = redis.Redis(**REDIS)
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)


def ordered(prefix: str) -> OrderedRedisLockStore:
    return OrderedRedisLockStore(
        EndpointConfig(url=REDIS["host"], port=REDIS["port"], db=REDIS["db"], key_prefix=prefix)
    )


def plain(prefix: str) -> RedisLockStore:
    return RedisLockStore(host=REDIS["host"], port=REDIS["port"], db=REDIS["db"], key_prefix=prefix)


def tickets_issued_at_once(stores: list[RedisLockStore], conversation: str) -> list[int]:
    """Each store (a server) issues tickets for the same conversation from its own thread, all at once."""
    start, issued = threading.Barrier(len(stores)), []

    def server(store: RedisLockStore) -> None:
        start.wait()
        for _ in range(TICKETS_PER_SERVER):
            issued.append(store.issue_ticket(conversation, lock_lifetime=60))

    threads = [threading.Thread(target=server, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return issued


def test_rasas_own_redis_lock_store_hands_out_a_ticket_twice(prefix: str) -> None:
    """The race this module exists for: without a guard, two servers get the same ticket number."""
    issued = tickets_issued_at_once([plain(prefix) for _ in range(SERVERS)], "race")
    assert len(set(issued)) < SERVERS * TICKETS_PER_SERVER


def test_every_ticket_is_issued_once_across_servers(prefix: str) -> None:
    stores: list[RedisLockStore] = [ordered(prefix) for _ in range(SERVERS)]
    issued = tickets_issued_at_once(stores, "ordered")
    assert sorted(issued) == list(range(SERVERS * TICKETS_PER_SERVER))
    lock = stores[0].get_lock("ordered")
    assert lock is not None and len(lock.tickets) == SERVERS * TICKETS_PER_SERVER


async def turns_at_once(stores: list[OrderedRedisLockStore], conversation: str) -> list[tuple[str, int]]:
    """Turns of one conversation on alternating servers, each holding the lock for a moment."""
    trace: list[tuple[str, int]] = []

    async def turn(number: int) -> None:
        async with stores[number % len(stores)].lock(conversation, wait_time_in_seconds=0.01):
            trace.append(("start", number))
            await asyncio.sleep(0.02)
            trace.append(("end", number))

    await asyncio.gather(*(turn(number) for number in range(8)))
    return trace


def test_one_turn_at_a_time_and_the_lock_is_gone_afterwards(prefix: str) -> None:
    stores = [ordered(prefix) for _ in range(SERVERS)]
    trace = asyncio.run(turns_at_once(stores, "turns"))
    starts_and_ends = [kind for kind, _ in trace]
    assert starts_and_ends == ["start", "end"] * 8, "two turns overlapped"
    assert [number for kind, number in trace if kind == "start"] == list(range(8)), "not in arrival order"
    assert stores[0].get_lock("turns") is None


HOLDER = """
import asyncio, sys
from rasa.utils.endpoints import EndpointConfig
from conversation_store.ordered_lock import OrderedRedisLockStore

async def hold() -> None:
    store = OrderedRedisLockStore(EndpointConfig(url="{host}", port={port}, db={db}, key_prefix="{prefix}"), {lease})
    async with store.lock("{conversation}"):
        print("holding", flush=True)
        await asyncio.sleep(3600)

asyncio.run(hold())
"""


def test_a_killed_servers_ticket_lapses_within_the_lease(prefix: str) -> None:
    """A server SIGKILLed during a turn leaves its ticket in Redis; the next turn of that conversation,
    on another server, starts within the lease, not after Rasa's 60-second lifetime."""
    lease = 1.0
    script = HOLDER.format(**REDIS, prefix=prefix, lease=lease, conversation="killed")
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=os.environ)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"holding"
        time.sleep(3 * lease)  # renewed meanwhile: still held after three leases
        other = OrderedRedisLockStore(
            EndpointConfig(url=REDIS["host"], port=REDIS["port"], db=REDIS["db"], key_prefix=prefix), lease
        )
        held = other.get_lock("killed")
        assert held is not None and len(held.tickets) == 1, "the living holder's ticket lapsed"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        killed_at = time.monotonic()

        async def next_turn() -> float:
            async with other.lock("killed"):
                return time.monotonic() - killed_at

        waited = asyncio.run(next_turn())
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert waited < lease + 0.5, f"the next turn waited {waited:.1f} s"


def test_a_turn_longer_than_the_lease_keeps_the_lock(prefix: str) -> None:
    """The lease is renewed while the turn runs: a turn on the other server waits for it however long it takes."""
    lease = 0.5
    stores = [
        OrderedRedisLockStore(
            EndpointConfig(url=REDIS["host"], port=REDIS["port"], db=REDIS["db"], key_prefix=prefix), lease
        )
        for _ in range(SERVERS)
    ]
    trace: list[str] = []

    async def long_turn() -> None:
        async with stores[0].lock("long"):
            trace.append("long starts")
            await asyncio.sleep(6 * lease)
            trace.append("long ends")

    async def next_turn() -> None:
        await asyncio.sleep(0.05)
        async with stores[1].lock("long"):
            trace.append("next starts")

    async def both() -> None:
        await asyncio.gather(long_turn(), next_turn())

    asyncio.run(both())
    assert trace == ["long starts", "long ends", "next starts"]
    assert stores[0].get_lock("long") is None
