"""Engines for the app (async) and for migrations (sync) from one DATABASE_URL."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def sync_url(database_url: str) -> URL:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "sqlite":
        return url.set(drivername="sqlite")
    raise ValueError(f"unsupported database backend: {url.get_backend_name()}")


def async_url(database_url: str) -> URL:
    url = sync_url(database_url)
    if url.get_backend_name() == "sqlite":
        return url.set(drivername="sqlite+aiosqlite")
    return url


def is_sqlite(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "sqlite"


def create_engine_for_app(database_url: str) -> AsyncEngine:
    if not is_sqlite(database_url):
        return create_async_engine(async_url(database_url), pool_size=10, max_overflow=5)
    engine = create_async_engine(async_url(database_url), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
    _serialise_sqlite_writers(engine)
    return engine


def _serialise_sqlite_writers(engine: AsyncEngine) -> None:
    """Every SQLite transaction starts with BEGIN IMMEDIATE.

    A deferred transaction that reads and then writes fails at once with "database is locked"
    when another writer committed in between; taking the write lock up front makes concurrent
    requests wait (busy timeout) instead.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


Sessions = Callable[[], AbstractAsyncContextManager[AsyncSession]]


class Database:
    """The engine and its sessions. On SQLite, sessions of this process queue on an asyncio
    lock: SQLite has one writer at a time, and its busy handler polls with growing sleeps,
    which made the p95 latency several times the median under concurrent requests."""

    def __init__(self, database_url: str) -> None:
        self.engine = create_engine_for_app(database_url)
        self._factory = async_sessionmaker(self.engine, expire_on_commit=False)
        self._one_at_a_time = asyncio.Lock() if is_sqlite(database_url) else None

    @asynccontextmanager
    async def sessions(self) -> AsyncIterator[AsyncSession]:
        if self._one_at_a_time is None:
            async with self._factory() as session:
                yield session
            return
        async with self._one_at_a_time, self._factory() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
