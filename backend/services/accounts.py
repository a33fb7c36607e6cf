"""Users, their hashed API tokens and passwords."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import ApiToken, User
from backend.domain.organisations import ORGANISATIONS
from backend.domain.permissions import Role
from backend.services import audit

TOKEN_PREFIX = "lt_"
_password_hasher = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    role: Role
    organisation: str | None


class AccountError(ValueError):
    pass


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_password() -> str:
    return secrets.token_urlsafe(18)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _password_hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        return False
    try:
        return _password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_role_and_org(role: Role, organisation: str | None) -> None:
    if role is Role.BOT and organisation is not None:
        raise AccountError("the bot belongs to no organisation")
    if role is not Role.BOT and organisation not in ORGANISATIONS:
        raise AccountError(f"organisation must be one of {sorted(ORGANISATIONS)}")


async def find_user(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(User.username == username))


async def create_user(
    session: AsyncSession,
    *,
    username: str,
    role: Role,
    organisation: str | None,
    actor: str,
    now: datetime,
    password: str | None = None,
) -> User:
    check_role_and_org(role, organisation)
    if await find_user(session, username) is not None:
        raise AccountError("username taken")
    user = User(
        username=username,
        role=role.value,
        organisation=organisation,
        password_hash=hash_password(password) if password else None,
        active=True,
        created_at=now,
    )
    session.add(user)
    await session.flush()
    audit.record(
        session,
        subject_type="user",
        subject=username,
        action="user_created",
        actor=actor,
        at=now,
        after={"role": role.value, "organisation": organisation},
    )
    return user


async def add_token(
    session: AsyncSession, user: User, token: str, now: datetime, expires_at: datetime | None = None
) -> None:
    session.add(ApiToken(user_id=user.id, token_sha256=token_digest(token), created_at=now, expires_at=expires_at))
    await session.flush()


async def rotate_token(session: AsyncSession, user: User, actor: str, now: datetime, lifetime: timedelta) -> str:
    """Revokes every token of the user and issues one new one, valid for `lifetime`."""
    await revoke_tokens(session, user, actor, now)
    token = new_token()
    await add_token(session, user, token, now, now + lifetime)
    return token


async def has_token(session: AsyncSession, user: User, token: str) -> bool:
    query = select(ApiToken.id).where(
        ApiToken.user_id == user.id, ApiToken.token_sha256 == token_digest(token), ApiToken.revoked_at.is_(None)
    )
    return await session.scalar(query) is not None


async def authenticate(session: AsyncSession, token: str, now: datetime | None = None) -> Principal | None:
    digest = token_digest(token)
    row = await session.scalar(select(ApiToken).where(ApiToken.token_sha256 == digest, ApiToken.revoked_at.is_(None)))
    if row is None or not hmac.compare_digest(row.token_sha256, digest) or not row.user.active:
        return None
    if row.expires_at is not None and row.expires_at <= (now or datetime.now(UTC)):
        return None
    user = row.user
    return Principal(user_id=user.id, username=user.username, role=Role(user.role), organisation=user.organisation)


async def users_of(session: AsyncSession, organisation: str) -> list[User]:
    query = select(User).where(User.organisation == organisation).order_by(User.username)
    return list((await session.scalars(query)).all())


async def deactivate(session: AsyncSession, user: User, actor: str, now: datetime) -> None:
    if not user.active:
        return
    user.active = False
    await revoke_tokens(session, user, actor, now)
    audit.record(
        session,
        subject_type="user",
        subject=user.username,
        action="user_deactivated",
        actor=actor,
        at=now,
        before={"active": True},
        after={"active": False},
    )


async def revoke_tokens(session: AsyncSession, user: User, actor: str, now: datetime) -> int:
    result = await session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(ApiToken.id)
    )
    revoked = len(result.all())
    audit.record(
        session,
        subject_type="user",
        subject=user.username,
        action="tokens_revoked",
        actor=actor,
        at=now,
        after={"revoked": revoked},
    )
    return revoked


def user_json(user: User) -> dict[str, object]:
    return {"username": user.username, "organisation": user.organisation, "role": user.role, "active": user.active}
