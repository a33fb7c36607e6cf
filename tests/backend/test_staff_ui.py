"""D15/D16/D21: the staff UI through the Sanic app: login, session cookie, CSRF, escaping,
security headers, permissions (the same access service as the API), rate limit, language, dashboard."""

import httpx
from backend_harness import Api, FakeClock
from sanic import Sanic
from staff_ui import PASSWORD, csrf_of, log_in, page_csrf, user_with_password

from backend.domain.permissions import Role
from backend.services import forwarding
from backend.settings import Settings

XSS = "<script>alert(1)</script>"
REFERENCE = "LT-2026-WEB001"


async def test_login_sets_a_hardened_session_cookie_and_rotates_it(
    api: Api, app: Sanic, client: httpx.AsyncClient
) -> None:
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    first = await log_in(client, "hwk-ui")
    assert first.status_code == 303 and first.headers["location"] == "/staff/tickets"
    cookie = next(value for value in first.headers.get_list("set-cookie") if value.startswith("lotse_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/staff" in cookie and "Max-Age=" in cookie
    old_token = client.cookies["lotse_session"]
    await log_in(client, "hwk-ui")
    assert client.cookies["lotse_session"] != old_token
    stale = await client.get("/staff/tickets", headers={"cookie": f"lotse_session={old_token}"})
    assert stale.status_code == 303 and stale.headers["location"] == "/staff/login"


async def test_secure_cookie_when_configured(settings: Settings, clock: FakeClock) -> None:
    from asgi_lifespan import LifespanManager

    from backend.app import create_app

    application = create_app(settings.model_copy(update={"secure_cookies": True}), clock)
    async with LifespanManager(application):
        await user_with_password(application, "hwk-ui", "hwk_hannover")
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="https://backend.test") as secure_client:
            response = await log_in(secure_client, "hwk-ui")
    cookie = next(value for value in response.headers.get_list("set-cookie") if value.startswith("lotse_session="))
    assert "Secure" in cookie


async def test_wrong_password_and_missing_login_csrf_are_refused(app: Sanic, client: httpx.AsyncClient) -> None:
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    wrong = await log_in(client, "hwk-ui", "wrong")
    assert wrong.status_code == 401 and 'aria-describedby="login-error"' in wrong.text
    no_token = await client.post("/staff/login", data={"username": "hwk-ui", "password": PASSWORD})
    assert no_token.status_code == 403 and "lotse_session" not in client.cookies


async def test_form_posts_without_the_session_csrf_token_change_nothing(
    api: Api, app: Sanic, client: httpx.AsyncClient
) -> None:
    await api.ticket(REFERENCE, "hwk_hannover")
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    for token in (None, "forged"):
        data = {"body": "Notiz"} | ({"csrf_token": token} if token else {})
        response = await client.post(f"/staff/tickets/{REFERENCE}/comments", data=data)
        assert response.status_code == 403
    assert (await api.call("hwk", "GET", f"/api/v1/tickets/{REFERENCE}/comments", 200))["items"] == []


async def test_company_name_with_markup_renders_as_text_and_headers_are_set(
    api: Api, app: Sanic, client: httpx.AsyncClient
) -> None:
    await api.ticket(REFERENCE, "hwk_hannover", company_name=XSS)
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    for path in ("/staff/tickets", f"/staff/tickets/{REFERENCE}"):
        page = await client.get(path)
        assert page.status_code == 200
        assert XSS not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        csp = page.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
        assert "unsafe-inline" not in csp and "<script" not in page.text and "style=" not in page.text
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["referrer-policy"]


async def test_the_ui_uses_the_api_permissions(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    await api.ticket(REFERENCE, "ihk_hannover")
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await user_with_password(app, "zs-ui", "zentralstelle")
    await log_in(client, "hwk-ui")
    csrf = await page_csrf(client)
    assert (await client.get(f"/staff/tickets/{REFERENCE}")).status_code == 404
    refused = await client.post(
        f"/staff/tickets/{REFERENCE}/checklist", data={"csrf_token": csrf, "item.vollmacht": "checked"}
    )
    assert refused.status_code == 404
    assert (await client.get("/staff/dashboard")).status_code == 403
    await log_in(client, "zs-ui")
    assert (await client.get(f"/staff/tickets/{REFERENCE}")).status_code == 404


async def test_working_a_ticket_offers_only_allowed_transitions(
    api: Api, app: Sanic, client: httpx.AsyncClient
) -> None:
    await api.ticket(REFERENCE, "hwk_hannover")
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    page = await client.get(f"/staff/tickets/{REFERENCE}")
    assert 'value="in_pre_check"' in page.text and 'value="forwarded"' not in page.text
    csrf = csrf_of(page)
    steps = [
        ("transitions", {"to": "in_pre_check"}),
        ("checklist", {"item.vollmacht": "checked"}),
        ("comments", {"body": "Vollmacht liegt vor"}),
        ("assignee", {"username": "hwk-ui"}),
        ("transitions", {"to": "complete"}),
        ("transitions", {"to": "forwarded"}),
    ]
    for form, data in steps:
        response = await client.post(f"/staff/tickets/{REFERENCE}/{form}", data={"csrf_token": csrf, **data})
        assert response.status_code == 303, (form, response.text)
    ticket = await api.call("hwk", "GET", f"/api/v1/tickets/{REFERENCE}", 200)
    assert (ticket["status"], ticket["assignee"]) == ("forwarded", "hwk-ui")
    assert {"item": "vollmacht", "state": "checked"} in ticket["checklist"]
    page = await client.get(f"/staff/tickets/{REFERENCE}")
    assert "Fallpaket erzeugt" in page.text and 'id="delivery-state">ausstehend' in page.text
    assert (await client.get(f"/staff/tickets/{REFERENCE}/package.pdf")).content.startswith(b"%PDF")


async def test_a_refused_transition_shows_the_error_at_the_form(
    api: Api, app: Sanic, client: httpx.AsyncClient
) -> None:
    await api.ticket(REFERENCE, "hwk_hannover")
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    csrf = await page_csrf(client)
    closing = await client.post(f"/staff/tickets/{REFERENCE}/transitions", data={"csrf_token": csrf, "to": "closed"})
    assert closing.status_code == 422 and 'id="status-error"' in closing.text
    assert (await api.call("hwk", "GET", f"/api/v1/tickets/{REFERENCE}", 200))["status"] == "submitted"


async def test_language_switch_and_logout(app: Sanic, client: httpx.AsyncClient) -> None:
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    assert 'lang="de"' in (await client.get("/staff/tickets")).text
    switched = await client.get("/staff/language/en", params={"next": "//evil.example/"})
    assert switched.headers["location"] == "/staff/tickets"
    page = await client.get("/staff/tickets")
    assert 'lang="en"' in page.text and "Inbox" in page.text
    out = await client.post("/staff/logout", data={"csrf_token": csrf_of(page)})
    assert out.status_code == 303
    assert (await client.get("/staff/tickets")).status_code == 303


async def test_dashboard_for_the_lead(api: Api, app: Sanic, client: httpx.AsyncClient, clock: FakeClock) -> None:
    await api.ticket("LT-2026-DASH01", "hwk_hannover")
    await api.ticket("LT-2026-DASH02", "hwk_hannover", company_name="Zweite GmbH")
    clock.advance(hours=5)
    await api.move("hwk", "LT-2026-DASH01", "in_pre_check")
    await user_with_password(app, "hwk-lead", "hwk_hannover", Role.ADMIN)
    await log_in(client, "hwk-lead")
    page = await client.get("/staff/dashboard")
    assert page.status_code == 200
    assert '<svg role="img"' in page.text and '<title id="weeks-title">' in page.text
    assert "KW 48/2026" in page.text and "Vollmacht der Fachkraft für den Arbeitgeber" in page.text
    assert "5,0 Stunden" in page.text and "0 % (0 / 2)" in page.text


async def test_the_openapi_document_leaves_the_ui_out(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/api/v1/docs/openapi.json")).json()["paths"]
    assert paths and not [path for path in paths if path.startswith("/staff")]


async def test_no_prospect_assessment_through_the_form(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    await api.ticket(REFERENCE, "hwk_hannover")
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    csrf = await page_csrf(client)
    page = await client.get(f"/staff/tickets/{REFERENCE}")
    assert 'name="reason" value="helper_job"' in page.text and "Helfertätigkeit (keine qualifizierte" in page.text
    form = {
        "csrf_token": csrf,
        "flag": "yes",
        "reason": ["helper_job", "salary_below_threshold", "not_a_rule"],
        "other_reasons": "Betrieb ohne Ausbildungsberechtigung\n\n ",
    }
    assert (await client.post(f"/staff/tickets/{REFERENCE}/no-prospect", data=form)).status_code == 303
    ticket = await api.call("hwk", "GET", f"/api/v1/tickets/{REFERENCE}", 200)
    reasons = ["helper_job", "salary_below_threshold", "Betrieb ohne Ausbildungsberechtigung"]
    assert ticket["no_prospect"] == {"flag": True, "reasons": reasons}
    page = await client.get(f"/staff/tickets/{REFERENCE}")
    assert (
        "<li>Gehalt unter der Gehaltsgrenze</li>" in page.text
        and "<li>Betrieb ohne Ausbildungsberechtigung</li>" in page.text
    )
    assert 'value="helper_job" aria-describedby="np-reasons-hint" checked' in page.text
    assert ">Betrieb ohne Ausbildungsberechtigung</textarea>" in page.text


async def test_a_failed_delivery_can_be_queued_again_from_the_ticket_page(
    api: Api, app: Sanic, client: httpx.AsyncClient, settings: Settings, clock: FakeClock
) -> None:
    await api.ticket(REFERENCE, "hwk_hannover")
    for status in ("in_pre_check", "complete", "forwarded"):
        await api.move("hwk", REFERENCE, status)
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    csrf = await page_csrf(client)
    early = await client.post(f"/staff/tickets/{REFERENCE}/delivery", data={"csrf_token": csrf})
    assert early.status_code == 409 and 'id="forwarding-error"' in early.text
    unreachable = settings.model_copy(update={"forward_url": "http://127.0.0.1:9/", "forward_max_attempts": 1})
    await forwarding.deliver_due(app.ctx.sessions, unreachable, clock())
    page = await client.get(f"/staff/tickets/{REFERENCE}")
    assert 'id="delivery-state">fehlgeschlagen' in page.text and "Zustellung erneut versuchen" in page.text
    again = await client.post(f"/staff/tickets/{REFERENCE}/delivery", data={"csrf_token": csrf})
    assert again.status_code == 303
    assert 'id="delivery-state">ausstehend' in (await client.get(f"/staff/tickets/{REFERENCE}")).text


async def test_the_session_expires(app: Sanic, client: httpx.AsyncClient, clock: FakeClock, settings: Settings) -> None:
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    assert (await client.get("/staff/tickets")).status_code == 200
    clock.advance(minutes=settings.session_minutes + 1)
    expired = await client.get("/staff/tickets")
    assert expired.status_code == 303 and expired.headers["location"] == "/staff/login"
