"""Staff UI logins: password and second factor, growing delays after failures, server-side sessions
with expiry and CSRF token."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import LoginFailure, StaffSession
from backend.domain.permissions import Role
from backend.services import accounts, audit, failure_counts, two_factor
from backend.services.accounts import Principal

_DUMMY_HASH_PASSWORD = "lotse-timing-equaliser"  # verified for unknown users, so timing tells nothing


@dataclass(frozen=True)
class LoginLimits:
    """Failed logins slow further attempts down, per account and per client address; none locks out.

    Past the free failures in the window (per account, per address) each attempt waits
    `base_delay_seconds`, doubling with every further failure up to `max_delay_seconds`; after the
    wait the right password still gets in."""

    free_per_user: int
    free_per_address: int
    base_delay_seconds: float
    max_delay_seconds: float
    window: timedelta

    def delay_after(self, user_failures: int, address_failures: int) -> float:
        over = max(user_failures - self.free_per_user, address_failures - self.free_per_address)
        if over < 0:
            return 0.0
        return float(min(self.base_delay_seconds * 2 ** min(over, 32), self.max_delay_seconds))


@dataclass(frozen=True)
class StaffLogin:
    principal: Principal
    csrf_token: str
    must_enrol_second_factor: bool = False


@dataclass(frozen=True)
class LoginAttempt:
    """An attempt counted as failed until it succeeds, so parallel guesses slow each other down too."""

    failure_ids: tuple[int, ...]
    delay_seconds: float


async def begin_attempt(
    session: AsyncSession, username: str, address: str, limits: LoginLimits, now: datetime
) -> LoginAttempt:
    """Records the attempt as a failure of the account and of the address and says how long it must
    wait first (the caller waits outside the transaction)."""
    keys = (failure_counts.digest("user", username.lower()), failure_counts.digest("address", address))
    since = now - limits.window
    await failure_counts.lock(session, keys)
    await failure_counts.forget_before(session, since)
    user_failures, address_failures = [await failure_counts.count(session, key, since) for key in keys]
    rows = failure_counts.record(session, keys, now)
    await session.flush()
    return LoginAttempt(tuple(row.id for row in rows), limits.delay_after(user_failures, address_failures))


async def check_password(
    session: AsyncSession, attempt: LoginAttempt, username: str, password: str, code: str, now: datetime
) -> Principal | None:
    """The principal for a correct password (and, where enrolled, second factor) of an active staff or
    admin account, which also takes back the attempt's failure records; None otherwise."""
    user = await accounts.find_user(session, username)
    usable = user is not None and user.active and user.role != Role.BOT
    stored = user.password_hash if user is not None and usable else _dummy_hash()
    if not accounts.password_matches(stored, password) or user is None or not usable:
        return None
    if user.totp_secret and not two_factor.accept_code(user, code, now):
        return None
    await session.execute(delete(LoginFailure).where(LoginFailure.id.in_(attempt.failure_ids)))
    return Principal(user_id=user.id, username=user.username, role=Role(user.role), organisation=user.organisation)


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
    return StaffLogin(principal, row.csrf_token, two_factor.required(user))


async def end(session: AsyncSession, token: str) -> None:
    await session.execute(delete(StaffSession).where(StaffSession.token_sha256 == accounts.token_digest(token)))
