"""The staff UI's second-factor enrolment: a new TOTP secret, confirmed with a code, and recovery codes
shown once. Admins are sent here until they have enrolled."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api import requests as req
from backend.database.models import User
from backend.domain.permissions import Action
from backend.services import two_factor
from backend.services.errors import not_found
from backend.web.auth import form_value
from backend.web.render import render

two_factor_bp = Blueprint("staff_two_factor", url_prefix="/staff/account")


def _enrolment_page(
    request: Request, user: User, secret: str, status: int = 200, error: str | None = None
) -> HTTPResponse:
    return render(
        request,
        "two_factor.html",
        status=status,
        enrolled=bool(user.totp_secret),
        secret=secret,
        uri=two_factor.provisioning_uri(secret, user.username),
        error=error,
    )


async def _own_user(request: Request, session: AsyncSession) -> User:
    user = await session.get(User, req.principal(request).user_id)
    if user is None:
        raise not_found()
    return user


@two_factor_bp.get("/two-factor", ctx_action=Action.ACCOUNT_SECURITY)
async def enrolment_form(request: Request) -> HTTPResponse:
    async with req.transaction(request) as session:
        user = await _own_user(request, session)
        return _enrolment_page(request, user, two_factor.new_secret())


@two_factor_bp.post("/two-factor", ctx_action=Action.ACCOUNT_SECURITY)
async def enrol(request: Request) -> HTTPResponse:
    """The secret comes back in the form (the CSRF token binds the post to this session); it counts only
    once a code from the app proves it was set up."""
    secret = form_value(request, "secret") or ""
    code = form_value(request, "code") or ""
    now = req.now(request)
    async with req.transaction(request) as session:
        user = await _own_user(request, session)
        if len(secret) < 16 or not two_factor.code_is_valid(secret, code, now):
            return _enrolment_page(request, user, secret or two_factor.new_secret(), 422, "two_factor.error.code")
        codes = two_factor.enrol(session, user, secret, user.username, now)
        two_factor.accept_code(user, code, now)
    return render(request, "recovery_codes.html", codes=codes)
