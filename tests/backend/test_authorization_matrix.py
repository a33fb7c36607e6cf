"""D13: every registered route × every kind of caller × own and other organisation's resource.

The expectations are written out here, independently of `backend.domain.permissions`; the
routes come from the app. A route missing from EXPECTED (a new one) fails the test, so every
new route has to be thought through here.
"""

import itertools
from datetime import timedelta
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from backend_harness import Account, Api, FakeClock
from sanic import Request, Sanic
from sanic.response import HTTPResponse, json
from ticket_bodies import ticket_body

from backend.app import create_app
from backend.domain.permissions import Role
from backend.services import accounts as account_service
from backend.services import staff_sessions
from backend.services import two_factor
from backend.services.accounts import Principal
from backend.settings import Settings

PUBLIC = {
    "api/v1/health",
    "api/v1/docs",
    "api/v1/docs/redoc",
    "api/v1/docs/openapi.json",
    "staff",
    "staff/login",
    "staff/logout",
    "staff/language/<language:str>",
    "staff/static/staff.css",
}
CALLERS = ("anonymous", "bot", "hwk", "hwk_admin", "zentralstelle", "zentralstelle_admin")
T = "api/v1/tickets/<reference:str>"
U = "api/v1/users/<username:str>"
S = "staff/tickets/<reference:str>"

# caller → (status on own resource, status on another organisation's resource)
READ = {
    "bot": (404, 404),
    "hwk": (200, 404),
    "hwk_admin": (200, 404),
    "zentralstelle": (200, 404),
    "zentralstelle_admin": (200, 404),
}
PRE_CHECK_EDIT = {
    "bot": (404, 404),
    "hwk": (200, 404),
    "hwk_admin": (200, 404),
    "zentralstelle": (403, 404),
    "zentralstelle_admin": (403, 404),
}
ADMIN_ONLY = {
    "bot": (403, 403),
    "hwk": (403, 403),
    "hwk_admin": (200, 404),
    "zentralstelle": (403, 403),
    "zentralstelle_admin": (200, 404),
}


def _same(statuses: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {caller: (status, status) for caller, status in statuses.items()}


EXPECTED: dict[tuple[str, str], dict[str, tuple[int, int]]] = {
    ("POST", "api/v1/tickets"): _same(
        {"bot": 201, "hwk": 403, "hwk_admin": 403, "zentralstelle": 403, "zentralstelle_admin": 403}
    ),
    ("GET", "api/v1/tickets"): _same(
        {"bot": 403, "hwk": 200, "hwk_admin": 200, "zentralstelle": 200, "zentralstelle_admin": 200}
    ),
    ("GET", T): READ,
    ("GET", f"{T}/status"): _same(
        {"bot": 200, "hwk": 404, "hwk_admin": 404, "zentralstelle": 404, "zentralstelle_admin": 404}
    ),
    ("POST", f"{T}/transitions"): READ,
    ("PUT", f"{T}/checklist/<item:str>"): PRE_CHECK_EDIT,
    ("PUT", f"{T}/no-prospect"): PRE_CHECK_EDIT,
    ("GET", f"{T}/comments"): READ,
    ("POST", f"{T}/comments"): {
        **READ,
        "hwk": (201, 404),
        "hwk_admin": (201, 404),
        "zentralstelle": (201, 404),
        "zentralstelle_admin": (201, 404),
    },
    ("PUT", f"{T}/assignee"): PRE_CHECK_EDIT,
    ("POST", f"{T}/routing"): PRE_CHECK_EDIT,
    ("GET", f"{T}/audit"): READ,
    ("POST", f"{T}/erasure"): {
        "bot": (404, 404),
        "hwk": (404, 404),
        "hwk_admin": (200, 404),
        "zentralstelle": (404, 404),
        "zentralstelle_admin": (200, 404),
    },
    # an unknown reference: the bot may ask (404, the same as for a wrong e-mail), no one else may
    ("POST", "api/v1/status-lookups"): _same(
        {"bot": 404, "hwk": 403, "hwk_admin": 403, "zentralstelle": 403, "zentralstelle_admin": 403}
    ),
    # every world ticket carries the same example code, so it names no single case: 404 for the bot
    ("POST", "api/v1/candidate-links/resolve"): _same(
        {"bot": 404, "hwk": 403, "hwk_admin": 403, "zentralstelle": 403, "zentralstelle_admin": 403}
    ),
    # a person's "delete my data" through the bot: only the bot passes it on (an unknown reference: 200, "unknown")
    ("POST", "api/v1/erasure-requests"): _same(
        {"bot": 200, "hwk": 403, "hwk_admin": 403, "zentralstelle": 403, "zentralstelle_admin": 403}
    ),
    ("POST", f"{T}/candidate-link"): PRE_CHECK_EDIT,
    ("DELETE", f"{T}/candidate-link"): PRE_CHECK_EDIT,
    ("GET", "api/v1/users"): _same(
        {"bot": 403, "hwk": 403, "hwk_admin": 200, "zentralstelle": 403, "zentralstelle_admin": 200}
    ),
    ("POST", "api/v1/users"): _same(
        {"bot": 403, "hwk": 403, "hwk_admin": 201, "zentralstelle": 403, "zentralstelle_admin": 201}
    ),
    ("POST", f"{U}/deactivate"): ADMIN_ONLY,
    ("POST", f"{U}/tokens/revoke"): ADMIN_ONLY,
    # anonymised conversation facts: only the bot's event consumer hands them in
    ("POST", "api/v1/insights/facts"): _same(
        {"bot": 202, "hwk": 403, "hwk_admin": 403, "zentralstelle": 403, "zentralstelle_admin": 403}
    ),
    # the same consumer's backlog, shown on the public health endpoint
    ("PUT", "api/v1/insights/consumer-status"): _same(
        {"bot": 200, "hwk": 403, "hwk_admin": 403, "zentralstelle": 403, "zentralstelle_admin": 403}
    ),
}


# Staff UI (session cookie, CSRF token in the form): a successful form POST redirects (303); no
# session, or a bot (which cannot log in to the UI), is redirected to the login (303).
UI_NO_SESSION = {"anonymous": (303, 303), "bot": (303, 303)}
UI_READ = UI_NO_SESSION | {
    caller: (200, 404) for caller in ("hwk", "hwk_admin", "zentralstelle", "zentralstelle_admin")
}
UI_FORM = UI_NO_SESSION | {
    caller: (303, 404) for caller in ("hwk", "hwk_admin", "zentralstelle", "zentralstelle_admin")
}
UI_PRE_CHECK_FORM = UI_FORM | {"zentralstelle": (403, 404), "zentralstelle_admin": (403, 404)}
UI_PACKAGE = UI_READ | {"hwk": (404, 404), "hwk_admin": (404, 404)}  # only the forwarded ticket has one

EXPECTED |= {
    ("GET", "staff/tickets"): UI_NO_SESSION
    | _same({"hwk": 200, "hwk_admin": 200, "zentralstelle": 200, "zentralstelle_admin": 200}),
    ("GET", "staff/dashboard"): UI_NO_SESSION
    | _same({"hwk": 403, "hwk_admin": 200, "zentralstelle": 403, "zentralstelle_admin": 200}),
    # conversation insights: the organisations' leads (admins), over all conversations
    ("GET", "staff/insights"): UI_NO_SESSION
    | _same({"hwk": 403, "hwk_admin": 200, "zentralstelle": 403, "zentralstelle_admin": 200}),
    ("GET", "staff/insights/export/<name:str>"): UI_NO_SESSION
    | _same({"hwk": 403, "hwk_admin": 200, "zentralstelle": 403, "zentralstelle_admin": 200}),
    ("GET", S): UI_READ,
    ("GET", f"{S}/print"): UI_READ,
    ("GET", f"{S}/package.json"): UI_PACKAGE,
    ("GET", f"{S}/package.pdf"): UI_PACKAGE,
    ("POST", f"{S}/transitions"): UI_FORM,
    ("POST", f"{S}/checklist"): UI_PRE_CHECK_FORM,
    ("POST", f"{S}/comments"): UI_FORM,
    ("POST", f"{S}/assignee"): UI_PRE_CHECK_FORM,
    ("POST", f"{S}/no-prospect"): UI_PRE_CHECK_FORM,
    # a new code is shown on the answer itself, once (only its digest is kept): 200, not a redirect
    ("POST", f"{S}/candidate-link"): UI_PRE_CHECK_FORM | {"hwk": (200, 404), "hwk_admin": (200, 404)},
    # allowed to the pre-check organisation, then refused by the rule: no failed delivery to re-queue
    ("POST", f"{S}/delivery"): UI_PRE_CHECK_FORM | {"hwk": (409, 404), "hwk_admin": (409, 404)},
    # the same: allowed to the pre-check organisation, then refused: no failed status notice to send again
    ("POST", f"{S}/status-notice"): UI_PRE_CHECK_FORM | {"hwk": (409, 404), "hwk_admin": (409, 404)},
    # one's own second factor: every staff member; a post without a valid code changes nothing (422)
    ("GET", "staff/account/two-factor"): UI_NO_SESSION
    | _same({"hwk": 200, "hwk_admin": 200, "zentralstelle": 200, "zentralstelle_admin": 200}),
    ("POST", "staff/account/two-factor"): UI_NO_SESSION
    | _same({"hwk": 422, "hwk_admin": 422, "zentralstelle": 422, "zentralstelle_admin": 422}),
}
UI_FORMS: dict[str, dict[str, str]] = {
    f"{S}/checklist": {"item.vollmacht": "checked"},
    f"{S}/comments": {"body": "Notiz"},
    f"{S}/assignee": {"username": ""},
    f"{S}/no-prospect": {"flag": "yes", "reasons": "helper_job"},
    f"{S}/delivery": {},
    f"{S}/status-notice": {},
    f"{S}/candidate-link": {"do": "regenerate"},
}


class World:
    """Fresh tickets and users for each check, so that earlier checks cannot change the outcome."""

    def __init__(self, api: Api, app: Sanic, clock: FakeClock) -> None:
        self.api, self.app, self.clock = api, app, clock
        self.counter = itertools.count(1)

    def reference(self) -> str:
        return f"LT-2026-{next(self.counter):06d}"

    async def ticket(self, org: str, forwarded: bool = False) -> str:
        reference = self.reference()
        await self.api.create(ticket_body(reference, org))
        for status in ("in_pre_check", "complete", "forwarded") if forwarded else ():
            await self.api.move("hwk", reference, status)
        return reference

    async def own_and_other_ticket(self, caller: str) -> tuple[str, str]:
        own = await self.ticket("hwk_hannover", forwarded=caller.startswith("zentralstelle"))
        return own, await self.ticket("ihk_hannover")

    async def user(self, org: str) -> str:
        username = f"target-{next(self.counter)}"
        async with self.app.ctx.sessions() as session, session.begin():
            await account_service.create_user(
                session, username=username, role=Role.STAFF, organisation=org, actor="test", now=self.clock()
            )
        return username

    async def ui_session(self, caller: str) -> dict[str, str]:
        """Cookie header and CSRF token of a fresh staff UI session (none for anonymous and bot)."""
        account = self.api.accounts.get(caller)
        if account is None or account.role is Role.BOT:
            return {}
        async with self.app.ctx.sessions() as session, session.begin():
            user = await account_service.find_user(session, account.username)
            assert user is not None
            if user.role == Role.ADMIN:
                user.totp_secret = user.totp_secret or two_factor.new_secret()  # admins work only with one
            principal = Principal(user.id, user.username, Role(user.role), user.organisation)
            token, csrf = await staff_sessions.start(session, principal, None, timedelta(hours=1), self.clock())
        return {"cookie": f"lotse_session={token}", "csrf_token": csrf}

    async def own_and_other_user(self, caller: str) -> tuple[str, str]:
        own_org = "zentralstelle" if caller.startswith("zentralstelle") else "hwk_hannover"
        return await self.user(own_org), await self.user("ihk_hannover")


def _body(method: str, path: str, caller: str, world: World) -> dict[str, Any] | None:
    if path == "api/v1/tickets" and method == "POST":
        return ticket_body(world.reference())
    bodies: dict[str, dict[str, Any]] = {
        f"{T}/transitions": (
            {"to": "closed", "outcome": "pre_approval_granted"}
            if caller.startswith("zentralstelle")
            else {"to": "in_pre_check"}
        ),
        f"{T}/checklist/<item:str>": {"state": "checked"},
        f"{T}/no-prospect": {"flag": True, "reasons": ["helper_job"]},
        f"{T}/comments": {"body": "Notiz"},
        f"{T}/assignee": {"username": None},
        f"{T}/routing": {"pre_check_org": "welcome_center", "reason": "Zuständigkeit"},
        "api/v1/users": {"username": f"new-{next(world.counter)}", "role": "staff"},
        "api/v1/status-lookups": {"reference": world.reference(), "email": "info@beispiel.de"},
        "api/v1/candidate-links/resolve": {"code": "9F4K-2QXM-7TZA", "sender": f"matrix-{caller}"},
        "api/v1/insights/facts": {
            "facts": [
                {
                    "id": f"matrix-{next(world.counter)}",
                    "kind": "conversation_started",
                    "day": "2026-11-26",
                    "conversation": "c0ffee",
                    "channel": "rest",
                    "language": "de",
                    "persona": "employer",
                }
            ]
        },
        "api/v1/erasure-requests": {"references": [world.reference()]},
        "api/v1/insights/consumer-status": {"source": "sqlite", "backlog": 0, "reported_at": "2026-11-26T09:00:00Z"},
    }
    return bodies.get(path) if method in ("POST", "PUT") else None


def _url(path: str, target: str | None) -> str:
    for parameter in ("<reference:str>", "<username:str>"):
        path = path.replace(parameter, target or "")
    return "/" + path.replace("<item:str>", "vollmacht").replace("<name:str>", "topics")


async def _targets(path: str, caller: str, world: World) -> tuple[str | None, str | None]:
    if "<reference" in path:
        return await world.own_and_other_ticket(caller)
    if "<username" in path:
        return await world.own_and_other_user(caller)
    return None, None


async def _ui_status(api: Api, caller: str, method: str, path: str, target: str | None, world: World) -> int:
    login = await world.ui_session(caller)
    headers = {"cookie": login["cookie"]} if login else {}
    form = None
    if method == "POST":
        transition = (
            {"to": "closed", "outcome": "pre_approval_granted"}
            if caller.startswith("zentralstelle")
            else {"to": "in_pre_check"}
        )
        form = {"csrf_token": login.get("csrf_token", ""), **UI_FORMS.get(path, transition)}
    response = await api.client.request(method, _url(path, target), headers=headers, data=form)
    return response.status_code


async def _status(api: Api, caller: str, method: str, path: str, target: str | None, world: World) -> tuple[int, Any]:
    if path.startswith("staff/"):
        return await _ui_status(api, caller, method, path, target, world), None
    account: Account | None = api.accounts.get(caller)
    headers = account.headers if account else {}
    response = await api.client.request(
        method, _url(path, target), headers=headers, json=_body(method, path, caller, world)
    )
    return response.status_code, response.json()


def _routes(app: Sanic) -> list[tuple[str, str]]:
    return sorted((method, route.path) for route in app.router.routes for method in route.methods)


def test_every_route_is_either_public_by_intent_or_in_the_matrix(app: Sanic) -> None:
    routes = _routes(app)
    public = {path for _, path in routes if path in PUBLIC}
    assert public == PUBLIC
    unexpected = [route for route in routes if route[1] not in PUBLIC and route not in EXPECTED]
    assert unexpected == [], "new routes need an entry in EXPECTED (and a permission in the app)"
    assert all(route in routes for route in EXPECTED), "EXPECTED names a route the app does not have"


async def test_each_caller_on_each_route_for_own_and_other_organisation(api: Api, app: Sanic, clock: FakeClock) -> None:
    world = World(api, app, clock)
    mismatches = []
    for (method, path), by_caller in EXPECTED.items():
        for caller in CALLERS:
            own, other = await _targets(path, caller, world)
            expected_own, expected_other = by_caller.get(caller, (401, 401))
            other_status, _ = await _status(api, caller, method, path, other, world)
            own_status, own_body = await _status(api, caller, method, path, own, world)
            if (own_status, other_status) != (expected_own, expected_other):
                mismatches.append((method, path, caller, (own_status, other_status), (expected_own, expected_other)))
            if own_status >= 400 and not path.startswith("staff/"):
                assert set(own_body) == {"error"}, (method, path, caller)
    assert mismatches == []


async def test_the_list_shows_own_tickets_and_never_another_organisations(
    api: Api, app: Sanic, clock: FakeClock
) -> None:
    world = World(api, app, clock)
    for caller in ("hwk", "hwk_admin", "zentralstelle", "zentralstelle_admin"):
        own, other = await world.own_and_other_ticket(caller)
        listed = {item["reference"] for item in (await api.call(caller, "GET", "/api/v1/tickets", 200))["items"]}
        assert own in listed and other not in listed, caller


async def test_a_route_without_a_declared_permission_is_refused(settings: Settings, clock: FakeClock) -> None:
    application = create_app(settings, clock)

    @application.get("/api/v1/forgotten")
    async def forgotten(request: Request) -> HTTPResponse:
        return json({"secret": True})

    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://backend.test") as client:
            response = await client.get("/api/v1/forgotten")
        assert ("GET", "api/v1/forgotten") in _routes(application)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "route_not_protected"
