"""Staff UI logins: password check, login rate limit, server-side sessions with expiry and CSRF token."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import LoginFailure, StaffSession
from backend.domain.permissions import Role
from backend.services import accounts, audit
from backend.services.accounts import Principal

_DUMMY_HASH_PASSWORD = "lotse-timing-equaliser"  # verified for unknown users, so timing tells nothing


@dataclass(frozen=True)
class LoginLimits:
    per_user: int
    per_address: int
    window: timedelta


@dataclass(frozen=True)
class StaffLogin:
    principal: Principal
    csrf_token: str


class TooManyFailures(Exception):
    pass


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


async def _failures(session: AsyncSession, key: str, since: datetime) -> int:
    query = (
        select(func.count()).select_from(LoginFailure).where(LoginFailure.key_digest == key, LoginFailure.at >= since)
    )
    return await session.scalar(query) or 0


async def _limited(session: AsyncSession, keys: tuple[str, str], limits: LoginLimits, now: datetime) -> bool:
    since = now - limits.window
    user_key, address_key = keys
    return (
        await _failures(session, user_key, since) >= limits.per_user
        or await _failures(session, address_key, since) >= limits.per_address
    )


async def check_password(
    session: AsyncSession, username: str, password: str, address: str, limits: LoginLimits, now: datetime
) -> Principal | None:
    """The principal for a correct password of an active staff or admin account; None otherwise.
    Raises TooManyFailures when the username or the address failed too often in the window."""
    keys = (_digest("user", username.lower()), _digest("address", address))
    await session.execute(delete(LoginFailure).where(LoginFailure.at < now - limits.window))
    if await _limited(session, keys, limits, now):
        raise TooManyFailures
    user = await accounts.find_user(session, username)
    usable = user is not None and user.active and user.role != Role.BOT
    stored = user.password_hash if user is not None and usable else _dummy_hash()
    if accounts.password_matches(stored, password) and user is not None and usable:
        return Principal(user_id=user.id, username=user.username, role=Role(user.role), organisation=user.organisation)
    session.add_all([LoginFailure(key_digest=key, at=now) for key in keys])
    return None


_dummy: list[str] = []


def _dummy_hash() -> str:
    if not _dummy:
        _dummy.append(accounts.hash_password(_DUMMY_HASH_PASSWORD))
    return _dummy[0]


async def start(
    session: AsyncSession, principal: Principal, old_token: str | None, lifetime: timedelta, now: datetime
) -> tuple[str, str]:
    """A fresh session (the old one, if any, is dropped: rotation on login). Returns (token, csrf)."""
    if old_token:
        await end(session, old_token)
    await session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_sha256=accounts.token_digest(token),
            user_id=principal.user_id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    audit.record(
        session, subject_type="user", subject=principal.username, action="ui_login", actor=principal.username, at=now
    )
    return token, csrf


async def resume(session: AsyncSession, token: str, now: datetime) -> StaffLogin | None:
    row = await session.scalar(select(StaffSession).where(StaffSession.token_sha256 == accounts.token_digest(token)))
    if row is None or row.expires_at <= now or not row.user.active or row.user.role == Role.BOT:
        return None
    user = row.user
    principal = Principal(user_id=user.id, username=user.username, role=Role(user.role), organisation=user.organisation)
    return StaffLogin(principal=principal, csrf_token=row.csrf_token)


async def end(session: AsyncSession, token: str) -> None:
    await session.execute(delete(StaffSession).where(StaffSession.token_sha256 == accounts.token_digest(token)))
