"""Who is calling the staff UI: the session cookie, and the CSRF token on every form POST."""

import hmac
import secrets

from sanic import Request
from sanic.response import HTTPResponse, redirect

from backend.domain.permissions import Action
from backend.services import staff_sessions
from backend.services.access import require
from backend.web.render import error_page

SESSION_COOKIE = "lotse_session"
LOGIN_CSRF_COOKIE = "lotse_login_csrf"
CSRF_FIELD = "csrf_token"
LOGIN_PATH = "/staff/login"
TWO_FACTOR_PATH = "/staff/account/two-factor"


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def form_value(request: Request, name: str) -> str | None:
    value = request.form.get(name) if request.form else None
    return value if isinstance(value, str) else None


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


async def authenticate_staff(request: Request, action: Action) -> HTTPResponse | None:
    """Resumes the session or redirects to the login; refuses a POST without the session's CSRF token."""
    token = request.cookies.get(SESSION_COOKIE)
    login = None
    if token:
        async with request.app.ctx.sessions() as session:
            login = await staff_sessions.resume(session, token, request.app.ctx.clock())
    if login is None:
        return redirect(LOGIN_PATH, status=303)
    request.ctx.principal = login.principal
    request.ctx.csrf_token = login.csrf_token
    if request.method == "POST" and not tokens_match(login.csrf_token, form_value(request, CSRF_FIELD)):
        return error_page(request, 403)
    if login.must_enrol_second_factor and action is not Action.ACCOUNT_SECURITY:
        return redirect(TWO_FACTOR_PATH, status=303)
    require(login.principal, action)
    return None
