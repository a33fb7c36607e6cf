"""D12: closed tickets are anonymised after the retention period; deletion requests at once."""

import asyncio
from datetime import UTC, datetime

import pytest
from backend_harness import Api, FakeClock
from sanic import Sanic
from ticket_bodies import ticket_body

from backend.__main__ import retention as retention_command
from backend.services.retention import run_retention
from backend.settings import Settings

REF = "LT-2026-7K3QZD"
TICKET = f"/api/v1/tickets/{REF}"
RETAINED_CASE = {
    "business_type": "craft",
    "workplace_municipality": "garbsen",
    "occupation": "Tischler",
    "collective_agreement": True,
    "contact_language": "de",
}


async def _closed_ticket_with_comment(api: Api, clock: FakeClock, reference: str = REF) -> None:
    await api.ticket(reference)
    await api.call(
        "hwk", "POST", f"/api/v1/tickets/{reference}/comments", 201, json={"body": "Frau Mustermann sagt ab"}
    )
    await api.move("hwk", reference, "closed", outcome="withdrawn")


async def test_retention_anonymises_closed_tickets_only_after_the_period(
    api: Api, app: Sanic, clock: FakeClock
) -> None:
    await _closed_ticket_with_comment(api, clock)
    await api.ticket("LT-2026-0PEN00")
    clock.advance(days=179, hours=23)
    assert await run_retention(app.ctx.sessions, clock(), retention_days=180) == []
    clock.advance(hours=1)
    assert await run_retention(app.ctx.sessions, clock(), retention_days=180) == [REF]
    ticket = await api.call("hwk", "GET", TICKET, 200)
    assert ticket["case"] == RETAINED_CASE
    assert ticket["personal_data_removed"] == {"at": "2027-05-25T09:00:00+00:00", "kind": "retention"}
    assert ticket["status"] == "closed" and ticket["outcome"] == "withdrawn"
    open_ticket = await api.call("hwk", "GET", "/api/v1/tickets/LT-2026-0PEN00", 200)
    assert open_ticket["case"]["contact_name"] == "Erika Mustermann", "open tickets are kept whole"
    assert await run_retention(app.ctx.sessions, clock(), retention_days=180) == [], "runs are idempotent"


async def test_retention_blanks_comments_and_search_and_audits_without_data(
    api: Api, app: Sanic, clock: FakeClock
) -> None:
    await _closed_ticket_with_comment(api, clock)
    clock.advance(days=181)
    await run_retention(app.ctx.sessions, clock(), retention_days=180)
    comments = (await api.call("hwk", "GET", f"{TICKET}/comments", 200))["items"]
    assert [(c["body"], c["body_removed"]) for c in comments] == [(None, True)]
    assert (await api.call("hwk", "GET", "/api/v1/tickets", 200, params={"q": "mustermann"}))["total"] == 0
    events = (await api.call("hwk", "GET", f"{TICKET}/audit", 200))["items"]
    removal = events[-1]
    assert (removal["action"], removal["actor"]) == ("personal_data_removed", "system:retention")
    assert removal["after"]["kind"] == "retention"
    assert "contact_email" in removal["after"]["case_fields_removed"]
    assert "Mustermann" not in str(events) and "erika@" not in str(events)


async def test_retention_period_is_a_setting(api: Api, app: Sanic, clock: FakeClock) -> None:
    await _closed_ticket_with_comment(api, clock)
    clock.advance(days=31)
    assert await run_retention(app.ctx.sessions, clock(), retention_days=30) == [REF]


async def test_deletion_request_removes_personal_data_at_once_and_is_audited(api: Api, clock: FakeClock) -> None:
    await api.ticket()
    await api.call("hwk", "POST", f"{TICKET}/comments", 201, json={"body": "Rückruf Frau Mustermann"})
    clock.advance(hours=2)
    erased = await api.call("hwk_admin", "POST", f"{TICKET}/erasure", 200)
    assert erased["case"] == RETAINED_CASE
    assert erased["personal_data_removed"] == {"at": "2026-11-26T11:00:00+00:00", "kind": "deletion_request"}
    assert erased["status"] == "submitted", "the case itself goes on"
    events = (await api.call("hwk", "GET", f"{TICKET}/audit", 200))["items"]
    assert (events[-1]["action"], events[-1]["actor"]) == ("personal_data_removed", "hwk-admin")
    assert "Mustermann" not in str(events)
    again = await api.call("hwk_admin", "POST", f"{TICKET}/erasure", 409)
    assert again["error"]["code"] == "already_removed"


async def test_a_repeated_submission_after_erasure_does_not_restore_the_data(api: Api) -> None:
    await api.ticket()
    await api.call("hwk_admin", "POST", f"{TICKET}/erasure", 200)
    replay = await api.create(ticket_body(), expect=200)
    assert replay["case"] == RETAINED_CASE


async def test_the_retention_command_anonymises_old_closed_tickets(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.now = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)  # long before any real "now" minus 180 days
    await _closed_ticket_with_comment(api, clock)
    assert await asyncio.to_thread(retention_command, settings) == 0
    assert "anonymised 1 ticket(s): closed more than 180 days ago" in capsys.readouterr().out
    ticket = await api.call("hwk", "GET", TICKET, 200)
    assert ticket["case"] == RETAINED_CASE
