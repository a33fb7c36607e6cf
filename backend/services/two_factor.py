"""The staff login's second factor: TOTP (RFC 6238) with single-use recovery codes kept only as digests.

Required for admins (they are sent to the enrolment page until they have it), optional for others."""

import hashlib
import hmac
import json
import secrets
from datetime import datetime

import pyotp
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import User
from backend.domain.permissions import Role
from backend.services import audit

ISSUER = "Lotse"
RECOVERY_CODES = 10
_STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def current_code(secret: str, now: datetime) -> str:
    return pyotp.TOTP(secret).at(now)


def required(user: User) -> bool:
    """An admin without a second factor may do nothing but enrol."""
    return user.role == Role.ADMIN.value and not user.totp_secret


def _digest(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (one before, now, one after: clock drift) whose code this is, if any."""
    totp, step = pyotp.TOTP(secret), int(now.timestamp()) // _STEP_SECONDS
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def code_is_valid(secret: str, code: str, now: datetime) -> bool:
    return _matching_step(secret, "".join(code.split()), now) is not None


def accept_code(user: User, code: str, now: datetime) -> bool:
    """Checks a TOTP code (each time step once: no replay) or uses up a recovery code."""
    if not user.totp_secret or not code:
        return False
    step = _matching_step(user.totp_secret, "".join(code.split()), now)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False
        user.totp_last_step = step
        return True
    digests: list[str] = json.loads(user.recovery_code_digests or "[]")
    given = _digest(code)
    match = next((digest for digest in digests if hmac.compare_digest(digest, given)), None)
    if match is None:
        return False
    digests.remove(match)
    user.recovery_code_digests = json.dumps(digests)
    return True


def enrol(session: AsyncSession, user: User, secret: str, actor: str, now: datetime) -> list[str]:
    """Stores the secret and fresh recovery codes; returns the codes (shown once, kept as digests)."""
    codes = ["-".join(secrets.token_hex(2) for _ in range(3)) for _ in range(RECOVERY_CODES)]
    user.totp_secret = secret
    user.totp_last_step = None
    user.recovery_code_digests = json.dumps([_digest(code) for code in codes])
    audit.record(session, subject_type="user", subject=user.username, action="two_factor_enrolled", actor=actor, at=now)
    return codes
