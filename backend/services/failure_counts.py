"""Counted failures (logins, status lookups, link codes) in the `login_failures` table, keyed by a
digest, never the raw value. Counting and recording happen under a lock on the key, so parallel
requests cannot all slip under a limit: on PostgreSQL a transaction-scoped advisory lock, on SQLite
the write lock every transaction takes first (`BEGIN IMMEDIATE`, see database/engine.py)."""

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import LoginFailure


def digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


async def lock(session: AsyncSession, keys: Iterable[str]) -> None:
    """Holds the keys' locks until the transaction ends (sorted: no deadlock between two requests)."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        number = int.from_bytes(bytes.fromhex(key[:16]), "big", signed=True)
        await session.execute(text("SELECT pg_advisory_xact_lock(:number)"), {"number": number})


async def forget_before(session: AsyncSession, cutoff: datetime) -> None:
    await session.execute(delete(LoginFailure).where(LoginFailure.at < cutoff))


async def count(session: AsyncSession, key: str, since: datetime) -> int:
    query = (
        select(func.count()).select_from(LoginFailure).where(LoginFailure.key_digest == key, LoginFailure.at >= since)
    )
    return await session.scalar(query) or 0


def record(session: AsyncSession, keys: Iterable[str], now: datetime) -> list[LoginFailure]:
    rows = [LoginFailure(key_digest=key, at=now) for key in keys]
    session.add_all(rows)
    return rows
