"""D19/D21: every status change records a status notice for the bot, delivered to its webhook
signed with HMAC-SHA256 over timestamp, event id and body, retried with backoff, and visibly
failed after the last attempt. The body carries no personal data."""

import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest
from backend_harness import Api, FakeClock
from http_receiver import Receiver
from sanic import Sanic
from sqlalchemy import select
from staff_ui import csrf_of, log_in, page_csrf, user_with_password

from backend.database.models import StatusNotice, Ticket
from backend.services import status_notices
from backend.settings import Settings

REFERENCE = "LT-2026-NTC001"
SECRET = "notice-secret-for-tests"
# The worked example of docs/contracts.md; tests/channels checks the bot's side against it too.
EXAMPLE_BODY = (
    b'{"changed_at":"2026-11-26T09:20:00+00:00","event_id":"3f2b9c0e5d6a4b7c8e9f0a1b2c3d4e5f",'
    b'"reference":"LT-2026-7K3QZD","status":"in_pre_check"}'
)
EXAMPLE_SIGNATURE = "sha256=34f4ace1292335855cf188dac4e1809e81e8c0e077e7eb43862c3795d4b17ee1"


def _configured(settings: Settings, url: str, **extra: Any) -> Settings:
    return settings.model_copy(update={"status_webhook_url": url, "status_webhook_secret": SECRET, **extra})


async def _notices(app: Sanic) -> list[StatusNotice]:
    async with app.ctx.sessions() as session:
        query = select(StatusNotice).join(Ticket).where(Ticket.reference == REFERENCE).order_by(StatusNotice.id)
        return list((await session.scalars(query)).all())


async def _in_pre_check(api: Api) -> None:
    await api.ticket(REFERENCE, "hwk_hannover", company_name="Bäckerei Şahin & Söhne")
    await api.move("hwk", REFERENCE, "in_pre_check")


async def test_each_status_change_records_one_notice_and_creation_none(api: Api, app: Sanic) -> None:
    await api.ticket(REFERENCE, "hwk_hannover")
    assert await _notices(app) == []
    path = ("in_pre_check", "waiting_for_employer", "in_pre_check", "complete", "forwarded")
    for status in path:
        await api.move("hwk", REFERENCE, status)
    await api.move("zentralstelle", REFERENCE, "closed", outcome="pre_approval_granted")
    notices = await _notices(app)
    assert [notice.status for notice in notices] == [*path, "closed"]
    assert len({notice.event_id for notice in notices}) == len(notices)
    assert {(notice.state, notice.attempts) for notice in notices} == {("pending", 0)}


async def test_a_refused_transition_records_no_notice(api: Api, app: Sanic) -> None:
    await api.ticket(REFERENCE, "hwk_hannover")
    await api.move("hwk", REFERENCE, "forwarded", expect=409)
    await api.move("ihk", REFERENCE, "in_pre_check", expect=404)
    assert await _notices(app) == []


async def test_notice_is_signed_over_timestamp_event_id_and_body_and_names_no_person(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock, receiver: Receiver
) -> None:
    await _in_pre_check(api)
    configured = _configured(settings, receiver.url)
    assert await status_notices.deliver_due(app.ctx.sessions, configured, clock()) == 1
    [(headers, body)] = receiver.received
    timestamp, event_id = headers["x-lotse-timestamp"], headers["x-lotse-event-id"]
    assert timestamp == str(int(clock().timestamp()))
    expected = hmac.new(SECRET.encode(), f"{timestamp}.{event_id}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-lotse-signature"], f"sha256={expected}")
    notice = json.loads(body)
    assert notice == {
        "event_id": event_id,
        "reference": REFERENCE,
        "status": "in_pre_check",
        "changed_at": clock().isoformat(),
    }
    assert "Bäckerei" not in body.decode() and "@" not in body.decode()
    [stored] = await _notices(app)
    assert (stored.state, stored.attempts, stored.event_id) == ("delivered", 1, event_id)
    assert await status_notices.deliver_due(app.ctx.sessions, configured, clock()) == 0
    trail = (await api.call("hwk", "GET", f"/api/v1/tickets/{REFERENCE}/audit", 200))["items"]
    assert trail[-1]["action"] == "status_notice_delivered" and trail[-1]["after"]["status"] == "in_pre_check"


def test_signature_matches_the_worked_example_of_the_contract() -> None:
    event_id = "3f2b9c0e5d6a4b7c8e9f0a1b2c3d4e5f"
    signed = status_notices.signature("shared-secret-for-the-example", "1764148800", event_id, EXAMPLE_BODY)
    assert signed == EXAMPLE_SIGNATURE


async def test_a_refused_notice_is_retried_after_backoff_with_a_fresh_signature(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock, receiver: Receiver
) -> None:
    await _in_pre_check(api)
    configured = _configured(settings, receiver.url)
    receiver.statuses = [401]
    assert await status_notices.deliver_due(app.ctx.sessions, configured, clock()) == 1
    [notice] = await _notices(app)
    assert (notice.state, notice.attempts, notice.last_error) == ("pending", 1, "http 401")
    assert await status_notices.deliver_due(app.ctx.sessions, configured, clock()) == 0  # not due yet
    clock.advance(seconds=configured.status_notice_backoff_seconds + 1)
    assert await status_notices.deliver_due(app.ctx.sessions, configured, clock()) == 1
    [notice] = await _notices(app)
    assert (notice.state, notice.attempts, notice.last_error) == ("delivered", 2, None)
    first, second = receiver.received
    assert first[1] == second[1] and first[0]["x-lotse-event-id"] == second[0]["x-lotse-event-id"]
    assert first[0]["x-lotse-timestamp"] != second[0]["x-lotse-timestamp"]


async def test_after_the_last_attempt_the_notice_fails_visibly_to_staff(
    api: Api, app: Sanic, client: httpx.AsyncClient, settings: Settings, clock: FakeClock
) -> None:
    await _in_pre_check(api)
    unreachable = _configured(settings, "http://127.0.0.1:9/webhooks/status/webhook", status_notice_max_attempts=2)
    for _ in range(2):
        assert await status_notices.deliver_due(app.ctx.sessions, unreachable, clock()) == 1
        clock.advance(hours=7)
    [notice] = await _notices(app)
    assert notice.state == "failed" and (notice.last_error or "").startswith("network")
    assert await status_notices.deliver_due(app.ctx.sessions, unreachable, clock()) == 0
    trail = (await api.call("hwk", "GET", f"/api/v1/tickets/{REFERENCE}/audit", 200))["items"]
    assert trail[-1]["action"] == "status_notice_failed" and trail[-1]["after"]["attempts"] == 2
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    page = (await client.get(f"/staff/tickets/{REFERENCE}")).text
    assert 'id="status-notice">Meldung an den Arbeitgeber (Chat) (In Vorprüfung): fehlgeschlagen' in page
    assert "Statusmeldung an den Chat endgültig fehlgeschlagen" in page


@pytest.mark.parametrize("missing", ["status_webhook_url", "status_webhook_secret"])
async def test_without_url_or_secret_nothing_is_sent_and_the_notice_waits(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock, receiver: Receiver, missing: str
) -> None:
    await _in_pre_check(api)
    half = _configured(settings, receiver.url, **{missing: ""})
    assert await status_notices.deliver_due(app.ctx.sessions, half, clock()) == 0
    assert receiver.received == []
    [notice] = await _notices(app)
    assert (notice.state, notice.attempts) == ("pending", 0)


async def _failed_for_good(api: Api, app: Sanic, settings: Settings, clock: FakeClock) -> StatusNotice:
    await _in_pre_check(api)
    unreachable = _configured(settings, "http://127.0.0.1:9/webhooks/status/webhook", status_notice_max_attempts=1)
    assert await status_notices.deliver_due(app.ctx.sessions, unreachable, clock()) == 1
    [notice] = await _notices(app)
    assert notice.state == "failed"
    return notice


async def test_staff_send_a_failed_notice_again_with_the_same_event_id_and_an_audit_entry(
    api: Api,
    app: Sanic,
    client: httpx.AsyncClient,
    settings: Settings,
    clock: FakeClock,
    receiver: Receiver,
) -> None:
    failed = await _failed_for_good(api, app, settings, clock)
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    page = await client.get(f"/staff/tickets/{REFERENCE}")
    assert f'action="/staff/tickets/{REFERENCE}/status-notice"' in page.text
    assert "Statusmeldung erneut senden" in page.text
    clock.advance(minutes=5)
    sent = await client.post(f"/staff/tickets/{REFERENCE}/status-notice", data={"csrf_token": csrf_of(page)})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/staff/tickets/{REFERENCE}?done=status-notice#status-notice"
    [notice] = await _notices(app)
    assert (notice.state, notice.attempts, notice.last_error) == ("pending", 0, None)
    assert notice.event_id == failed.event_id
    shown = (await client.get(f"/staff/tickets/{REFERENCE}?done=status-notice")).text
    assert "Statusmeldung erneut eingeplant." in shown and "Statusmeldung an den Chat erneut eingeplant" in shown
    assert 'id="status-notice">Meldung an den Arbeitgeber (Chat) (In Vorprüfung): ausstehend</p>' in shown
    assert "Statusmeldung erneut senden" not in shown
    trail = (await api.call("hwk", "GET", f"/api/v1/tickets/{REFERENCE}/audit", 200))["items"]
    assert (trail[-1]["action"], trail[-1]["actor"], trail[-1]["after"]) == (
        "status_notice_requeued",
        "hwk-ui",
        {"status": "in_pre_check"},
    )

    assert await status_notices.deliver_due(app.ctx.sessions, _configured(settings, receiver.url), clock()) == 1
    [(headers, _)] = receiver.received
    assert headers["x-lotse-event-id"] == failed.event_id
    [notice] = await _notices(app)
    assert (notice.state, notice.attempts) == ("delivered", 1)


async def test_only_a_failed_notice_can_be_sent_again_and_only_with_the_form_token(
    api: Api, app: Sanic, client: httpx.AsyncClient, settings: Settings, clock: FakeClock
) -> None:
    await api.ticket(REFERENCE, "hwk_hannover")
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    csrf = await page_csrf(client)
    none_yet = await client.post(f"/staff/tickets/{REFERENCE}/status-notice", data={"csrf_token": csrf})
    assert none_yet.status_code == 409 and 'id="status-notice-error"' in none_yet.text
    assert "Nur eine fehlgeschlagene Statusmeldung kann erneut gesendet werden." in none_yet.text
    await api.move("hwk", REFERENCE, "in_pre_check")
    pending = await client.post(f"/staff/tickets/{REFERENCE}/status-notice", data={"csrf_token": csrf})
    assert pending.status_code == 409
    [notice] = await _notices(app)
    unreachable = _configured(settings, "http://127.0.0.1:9/webhooks/status/webhook", status_notice_max_attempts=1)
    await status_notices.deliver_due(app.ctx.sessions, unreachable, clock())
    for forged in ({}, {"csrf_token": "forged"}):
        refused = await client.post(f"/staff/tickets/{REFERENCE}/status-notice", data=forged)
        assert refused.status_code == 403
    [notice] = await _notices(app)
    assert (notice.state, notice.attempts) == ("failed", 1)
    trail = (await api.call("hwk", "GET", f"/api/v1/tickets/{REFERENCE}/audit", 200))["items"]
    assert "status_notice_requeued" not in [event["action"] for event in trail]


async def test_the_send_again_button_speaks_english_and_is_not_offered_to_the_zentralstelle(
    api: Api, app: Sanic, client: httpx.AsyncClient, settings: Settings, clock: FakeClock
) -> None:
    await _failed_for_good(api, app, settings, clock)
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    client.cookies.set("lotse_lang", "en", path="/staff")
    page = (await client.get(f"/staff/tickets/{REFERENCE}")).text
    assert 'id="status-notice">Notice to the employer (chat) (' in page and "): failed" in page
    assert "Send the status notice again" in page
    for status in ("complete", "forwarded"):
        await api.move("hwk", REFERENCE, status)
    unreachable = _configured(settings, "http://127.0.0.1:9/webhooks/status/webhook", status_notice_max_attempts=1)
    await status_notices.deliver_due(app.ctx.sessions, unreachable, clock())
    await user_with_password(app, "zst-ui", "zentralstelle")
    await log_in(client, "zst-ui")
    seen = (await client.get(f"/staff/tickets/{REFERENCE}")).text
    assert "): failed" in seen and "Send the status notice again" not in seen
