"""Staff UI routes: thin adapters between forms and `backend.services`; each names its action."""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file, raw, redirect
from sanic_ext import openapi
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api import requests as req
from backend.database.models import ForwardingPackage, Ticket
from backend.domain.checklist import ItemState
from backend.domain.fact_freshness import read_fact_freshness
from backend.domain.permissions import Action
from backend.domain.statuses import Status
from backend.schemas import AssigneeUpdate, CommentCreate, NoProspect, TicketQuery, TransitionRequest
from backend.services import candidate_links, dashboard, forwarding, staff_sessions, status_notices, tickets
from backend.services.access import ticket_for
from backend.services.accounts import Principal
from backend.services.delivery_queue import canonical
from backend.services.errors import ApiError, not_found
from backend.web import charts, views
from backend.web.auth import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    LOGIN_PATH,
    SESSION_COOKIE,
    form_value,
    new_login_csrf,
    tokens_match,
)
from backend.web.client_address import client_address
from backend.web.i18n import LANGUAGE_COOKIE, LANGUAGES, language_of
from backend.web.insights import insights_bp
from backend.web.labels import NO_PROSPECT_REASONS, Labels
from backend.web.render import add_security_headers, error_page, render
from backend.web.two_factor import two_factor_bp

staff_bp = Blueprint("staff", url_prefix="/staff")
STATIC = Path(__file__).with_name("static")
FILTER_FIELDS = ("status", "assignee", "q", "flag")
Work = Callable[[AsyncSession, Principal, Ticket], Awaitable[object]]
BERLIN = ZoneInfo("Europe/Berlin")  # the facts' validity dates are German calendar days


def _cookie(response: HTTPResponse, request: Request, name: str, value: str, max_age: int, path: str) -> None:
    """Sets (or, with max_age 0, removes) a cookie; `Secure` only when configured, so that a plain-HTTP
    development server can still remove it."""
    response.add_cookie(
        name,
        value,
        path=path,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=request.app.ctx.settings.secure_cookies,
    )


def install_staff_ui(app: req.App) -> None:
    app.blueprint([staff_bp, two_factor_bp, insights_bp])
    for blueprint in (staff_bp, two_factor_bp, insights_bp):
        openapi.exclude(bp=blueprint)  # the OpenAPI document describes the JSON API only
    app.register_middleware(add_security_headers, "response")


# ---------------------------------------------------------------- public: login, language, CSS


@staff_bp.get("/", ctx_public=True, strict_slashes=False)
async def index(request: Request) -> HTTPResponse:
    return redirect("/staff/tickets", status=303)


@staff_bp.get("/static/staff.css", ctx_public=True)
async def stylesheet(request: Request) -> HTTPResponse:
    return await file(STATIC / "staff.css", mime_type="text/css", headers={"Cache-Control": "max-age=3600"})


@staff_bp.get("/language/<language:str>", ctx_public=True)
async def choose_language(request: Request, language: str) -> HTTPResponse:
    if language not in LANGUAGES:
        raise not_found()
    target = request.args.get("next", "/staff/tickets")
    if not target.startswith("/staff") or target.startswith("//"):
        target = "/staff/tickets"
    response = redirect(target, status=303)
    _cookie(response, request, LANGUAGE_COOKIE, language, 365 * 24 * 3600, "/staff")
    return response


def _login_page(request: Request, status: int = 200, error: str | None = None, username: str = "") -> HTTPResponse:
    csrf = new_login_csrf()
    response = render(request, "login.html", status=status, login_csrf=csrf, error=error, username=username)
    _cookie(response, request, LOGIN_CSRF_COOKIE, csrf, 3600, LOGIN_PATH)
    return response


@staff_bp.get("/login", ctx_public=True)
async def login_form(request: Request) -> HTTPResponse:
    return _login_page(request)


@staff_bp.post("/login", ctx_public=True)
async def login(request: Request) -> HTTPResponse:
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), form_value(request, CSRF_FIELD)):
        return _login_page(request, 403, "login.error.expired")
    username = (form_value(request, "username") or "").strip()
    settings = request.app.ctx.settings
    limits = staff_sessions.LoginLimits(
        settings.login_free_failures_per_user,
        settings.login_free_failures_per_address,
        settings.login_delay_base_seconds,
        settings.login_delay_max_seconds,
        timedelta(minutes=settings.login_failure_window_minutes),
    )
    lifetime = timedelta(minutes=settings.session_minutes)
    now = req.now(request)
    async with req.transaction(request) as session:
        attempt = await staff_sessions.begin_attempt(session, username, client_address(request), limits, now)
    if attempt.delay_seconds:
        await request.app.ctx.pause(attempt.delay_seconds)
    async with req.transaction(request) as session:
        principal = await staff_sessions.check_password(
            session, attempt, username, form_value(request, "password") or "", form_value(request, "code") or "", now
        )
        if principal is None:
            return _login_page(request, 401, "login.error.invalid", username)
        token, _ = await staff_sessions.start(session, principal, request.cookies.get(SESSION_COOKIE), lifetime, now)
    response = redirect("/staff/tickets", status=303)
    _cookie(response, request, SESSION_COOKIE, token, int(lifetime.total_seconds()), "/staff")
    _cookie(response, request, LOGIN_CSRF_COOKIE, "", 0, LOGIN_PATH)
    return response


@staff_bp.post("/logout", ctx_public=True)
async def logout(request: Request) -> HTTPResponse:
    """Public so that an expired session can still log out; a live session needs its CSRF token."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        async with req.transaction(request) as session:
            login = await staff_sessions.resume(session, token, req.now(request))
            if login is not None and not tokens_match(login.csrf_token, form_value(request, CSRF_FIELD)):
                return error_page(request, 403)
            await staff_sessions.end(session, token)
    response = redirect(LOGIN_PATH, status=303)
    _cookie(response, request, SESSION_COOKIE, "", 0, "/staff")
    return response


# ---------------------------------------------------------------- inbox and dashboard


def _filters(request: Request) -> tuple[dict[str, str], TicketQuery, dict[str, str]]:
    chosen = {name: request.args.get(name, "").strip() for name in FILTER_FIELDS}
    query = {name: chosen[name] for name in ("status", "assignee", "q") if chosen[name]}
    query["offset"] = request.args.get("offset", "0")
    if chosen["flag"] == "overdue":
        query |= {"overdue": "true", "status": Status.SUBMITTED.value}
    elif chosen["flag"] == "waiting":
        query["status"] = Status.WAITING_FOR_EMPLOYER.value
    try:
        return chosen, TicketQuery.model_validate(query), {}
    except ValidationError as error:
        errors = {str(item["loc"][0]): "error.invalid_value" for item in error.errors()}
        return chosen, TicketQuery(limit=1, offset=0), errors


@staff_bp.get("/tickets", ctx_action=Action.TICKET_LIST)
async def inbox(request: Request) -> HTTPResponse:
    chosen, filters, errors = _filters(request)
    now = req.now(request)
    items: list[Ticket] = []
    total = 0
    if not errors:
        async with req.transaction(request) as session:
            items, total = await tickets.list_tickets(session, req.principal(request), filters, now)
    rows = [(ticket, views.flags(ticket, now)) for ticket in items]
    return render(
        request,
        "inbox.html",
        status=422 if errors else 200,
        rows=rows,
        total=total,
        filters=chosen,
        errors=errors,
        offset=filters.offset,
        limit=filters.limit,
        statuses=[status.value for status in Status],
        next_query=_page_query(chosen, filters.offset + filters.limit),
        previous_query=_page_query(chosen, max(filters.offset - filters.limit, 0)),
    )


def _page_query(chosen: dict[str, str], offset: int) -> str:
    parts = [f"{name}={quote(value)}" for name, value in chosen.items() if value]
    return "&".join([*parts, f"offset={offset}"])


@staff_bp.get("/dashboard", ctx_action=Action.DASHBOARD_VIEW)
async def dashboard_page(request: Request) -> HTTPResponse:
    async with req.transaction(request) as session:
        figures = await dashboard.dashboard(session, req.principal(request))
    labels = Labels(language_of(request))
    weekly = [(labels.week(week), figures.week_total(week)) for week in figures.weeks]
    missing = [(labels.item(item), count) for item, count in figures.missing_documents]
    berlin_day = req.now(request).astimezone(BERLIN).date()
    return render(
        request,
        "dashboard.html",
        fact_freshness=read_fact_freshness(request.app.ctx.settings.knowledge_dir / "facts.yml", berlin_day),
        figures=figures,
        week_bars=charts.bars(weekly),
        missing_bars=charts.bars(missing),
        chart=charts,
    )


# ---------------------------------------------------------------- ticket page and its forms


async def _ticket_page(
    request: Request, reference: str, status: int = 200, errors: dict[str, str] | None = None, **shown_once: str
) -> HTTPResponse:
    now = req.now(request)
    async with req.transaction(request) as session:
        caller = req.principal(request)
        ticket = await ticket_for(session, caller, reference, Action.TICKET_READ)
        context = await views.detail(session, caller, ticket, now)
    done = request.args.get("done", "")
    return render(request, "ticket.html", status=status, errors=errors or {}, done=done, **context, **shown_once)


@staff_bp.get("/tickets/<reference>", ctx_action=Action.TICKET_READ)
async def ticket_page(request: Request, reference: str) -> HTTPResponse:
    return await _ticket_page(request, reference)


@staff_bp.get("/tickets/<reference>/print", ctx_action=Action.TICKET_READ)
async def ticket_print(request: Request, reference: str) -> HTTPResponse:
    """The case on paper: the same labels as the ticket page, without forms."""
    now = req.now(request)
    async with req.transaction(request) as session:
        caller = req.principal(request)
        ticket = await ticket_for(session, caller, reference, Action.TICKET_READ)
        context = await views.detail(session, caller, ticket, now)
    return render(request, "ticket_print.html", printed_at=now, **context)


async def _form_action(request: Request, reference: str, action: Action, form: str, work: Work) -> HTTPResponse:
    """Runs one form's change in a transaction; shows the page again with the error tied to the form."""
    try:
        async with req.transaction(request) as session:
            caller = req.principal(request)
            ticket = await ticket_for(session, caller, reference, action)
            await work(session, caller, ticket)
    except ApiError as error:
        if error.status in (403, 404):
            raise
        return await _ticket_page(request, reference, error.status, {form: f"error.{error.code}"})
    except (ValidationError, ValueError):
        return await _ticket_page(request, reference, 422, {form: "error.invalid_value"})
    return redirect(f"/staff/tickets/{quote(reference)}?done={form}#{form}", status=303)


@staff_bp.post("/tickets/<reference>/checklist", ctx_action=Action.TICKET_CHECKLIST)
async def checklist(request: Request, reference: str) -> HTTPResponse:
    now = req.now(request)

    async def work(session: AsyncSession, caller: Principal, ticket: Ticket) -> None:
        for entry in list(ticket.checklist):
            chosen = form_value(request, f"item.{entry.item}")
            if chosen is not None and chosen != entry.state:
                await tickets.set_checklist_item(session, caller, ticket, entry.item, ItemState(chosen), now)

    return await _form_action(request, reference, Action.TICKET_CHECKLIST, "checklist", work)


@staff_bp.post("/tickets/<reference>/comments", ctx_action=Action.TICKET_COMMENT)
async def comment(request: Request, reference: str) -> HTTPResponse:
    now = req.now(request)

    async def work(session: AsyncSession, caller: Principal, ticket: Ticket) -> None:
        body = CommentCreate.model_validate({"body": form_value(request, "body") or ""}).body
        await tickets.add_comment(session, caller, ticket, body, now)

    return await _form_action(request, reference, Action.TICKET_COMMENT, "comments", work)


@staff_bp.post("/tickets/<reference>/assignee", ctx_action=Action.TICKET_ASSIGN)
async def assignee(request: Request, reference: str) -> HTTPResponse:
    now = req.now(request)

    async def work(session: AsyncSession, caller: Principal, ticket: Ticket) -> None:
        username = AssigneeUpdate.model_validate({"username": form_value(request, "username") or None}).username
        await tickets.assign(session, caller, ticket, username, now)

    return await _form_action(request, reference, Action.TICKET_ASSIGN, "assignment", work)


@staff_bp.post("/tickets/<reference>/transitions", ctx_action=Action.TICKET_TRANSITION)
async def transition(request: Request, reference: str) -> HTTPResponse:
    now = req.now(request)

    async def work(session: AsyncSession, caller: Principal, ticket: Ticket) -> None:
        fields = {name: form_value(request, name) or None for name in ("to", "reason", "outcome")}
        change = TransitionRequest.model_validate({name: value for name, value in fields.items() if value})
        await forwarding.change_status(session, caller, ticket, change, now)

    return await _form_action(request, reference, Action.TICKET_TRANSITION, "status", work)


@staff_bp.post("/tickets/<reference>/no-prospect", ctx_action=Action.TICKET_ASSESS)
async def no_prospect(request: Request, reference: str) -> HTTPResponse:
    now = req.now(request)

    async def work(session: AsyncSession, caller: Principal, ticket: Ticket) -> None:
        ticked = request.form.getlist("reason", []) if request.form else []
        chosen = [reason for reason in ticked if reason in NO_PROSPECT_REASONS]
        own_words = [line.strip() for line in (form_value(request, "other_reasons") or "").splitlines()]
        reasons = list(dict.fromkeys([*chosen, *(line for line in own_words if line)]))
        assessment = NoProspect.model_validate({"flag": form_value(request, "flag") == "yes", "reasons": reasons})
        tickets.set_no_prospect(session, caller, ticket, assessment, now)

    return await _form_action(request, reference, Action.TICKET_ASSESS, "no-prospect", work)


@staff_bp.post("/tickets/<reference>/delivery", ctx_action=Action.TICKET_REDELIVER)
async def redeliver(request: Request, reference: str) -> HTTPResponse:
    now = req.now(request)

    async def work(session: AsyncSession, caller: Principal, ticket: Ticket) -> None:
        await forwarding.requeue(session, caller, ticket, now)

    return await _form_action(request, reference, Action.TICKET_REDELIVER, "forwarding", work)


@staff_bp.post("/tickets/<reference>/status-notice", ctx_action=Action.TICKET_REDELIVER)
async def resend_status_notice(request: Request, reference: str) -> HTTPResponse:
    now = req.now(request)

    async def work(session: AsyncSession, caller: Principal, ticket: Ticket) -> None:
        await status_notices.resend(session, caller, ticket, now)

    return await _form_action(request, reference, Action.TICKET_REDELIVER, "status-notice", work)


@staff_bp.post("/tickets/<reference>/candidate-link", ctx_action=Action.TICKET_LINK_CODE)
async def candidate_link(request: Request, reference: str) -> HTTPResponse:
    """A new code is shown on the answer to this post, once: only its digest is kept."""
    now = req.now(request)
    if form_value(request, "do") == "regenerate":
        async with req.transaction(request) as session:
            ticket = await ticket_for(session, req.principal(request), reference, Action.TICKET_LINK_CODE)
            code = await candidate_links.regenerate(session, req.principal(request), ticket, now)
        return await _ticket_page(request, reference, new_link_code=code)

    async def work(session: AsyncSession, caller: Principal, ticket: Ticket) -> None:
        chosen = form_value(request, "do")
        if chosen == "revoke":
            candidate_links.revoke(session, caller, ticket, now)
        else:
            raise ValueError("unknown link code action")

    return await _form_action(request, reference, Action.TICKET_LINK_CODE, "candidate-link", work)


async def _package(request: Request, reference: str) -> ForwardingPackage:
    async with req.transaction(request) as session:
        ticket = await ticket_for(session, req.principal(request), reference, Action.TICKET_READ)
        package = await forwarding.latest_package(session, ticket)
    if package is None or not package.pdf:
        raise not_found()
    return package


@staff_bp.get("/tickets/<reference>/package.json", ctx_action=Action.TICKET_READ)
async def package_json(request: Request, reference: str) -> HTTPResponse:
    package = await _package(request, reference)
    return raw(canonical(package.package_json), content_type="application/json; charset=utf-8")


@staff_bp.get("/tickets/<reference>/package.pdf", ctx_action=Action.TICKET_READ)
async def package_pdf(request: Request, reference: str) -> HTTPResponse:
    package = await _package(request, reference)
    disposition = f'attachment; filename="{quote(reference)}.pdf"'
    return raw(package.pdf, content_type="application/pdf", headers={"Content-Disposition": disposition})
