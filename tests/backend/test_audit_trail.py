"""D3: every change is in the append-only audit trail; nothing can edit or delete it."""

import pytest
from backend_harness import Api, FakeClock
from sanic import Sanic
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from backend.database.models import AuditEvent

REF = "LT-2026-7K3QZD"
TICKET = f"/api/v1/tickets/{REF}"


async def _busy_ticket(api: Api, clock: FakeClock) -> None:
    await api.ticket()
    clock.advance(minutes=1)
    await api.move("hwk", REF, "in_pre_check", reason="Start")
    await api.call("hwk", "PUT", f"{TICKET}/checklist/vollmacht", 200, json={"state": "received"})
    await api.call("hwk", "PUT", f"{TICKET}/no-prospect", 200, json={"flag": True, "reasons": ["helper_job"]})
    await api.call("hwk", "POST", f"{TICKET}/comments", 201, json={"body": "Frau Mustermann angerufen"})
    await api.call("hwk", "PUT", f"{TICKET}/assignee", 200, json={"username": "hwk-2"})
    await api.call(
        "hwk", "POST", f"{TICKET}/routing", 200, json={"pre_check_org": "ihk_hannover", "reason": "IHK-Beruf"}
    )


async def test_every_change_is_recorded_with_actor_time_before_and_after(api: Api, clock: FakeClock) -> None:
    await _busy_ticket(api, clock)
    events = (await api.call("ihk", "GET", f"{TICKET}/audit", 200))["items"]
    assert [(e["action"], e["actor"]) for e in events] == [
        ("ticket_created", "bot"),
        ("status_changed", "hwk"),
        ("checklist_item_set", "hwk"),
        ("no_prospect_assessed", "hwk"),
        ("comment_added", "hwk"),
        ("assignee_changed", "hwk"),
        ("rerouted", "hwk"),
    ]
    assert events[0]["at"] == "2026-11-26T09:00:00+00:00"
    assert events[1]["at"] == "2026-11-26T09:01:00+00:00"
    assert events[1]["before"] == {"status": "submitted"}
    reason_id = events[1]["after"].pop("reason_comment_id")
    assert events[1]["after"] == {"status": "in_pre_check", "outcome": None}
    assert isinstance(reason_id, int), "the reason's words are a comment (erasable), the trail names it"
    assert events[2]["before"] == {"item": "vollmacht", "state": "missing"}
    assert events[2]["after"] == {"item": "vollmacht", "state": "received"}
    assert events[3]["before"] == {"flag": False, "reasons": [], "own_reasons": 0}
    assert events[5]["after"] == {"assignee": "hwk-2"}
    assert events[6]["before"] == {"pre_check_org": "hwk_hannover", "assignee": "hwk-2"}
    assert events[6]["after"]["pre_check_org"] == "ihk_hannover" and "IHK-Beruf" not in str(events)
    comments = (await api.call("ihk", "GET", f"{TICKET}/comments", 200))["items"]
    assert [comment["body"] for comment in comments] == ["Start", "Frau Mustermann angerufen", "IHK-Beruf"]


async def test_the_trail_holds_no_case_data(api: Api, clock: FakeClock) -> None:
    await _busy_ticket(api, clock)
    events = await api.call("ihk", "GET", f"{TICKET}/audit", 200)
    dumped = str(events)
    for personal in ("Mustermann", "erika@", "Tischlerei", "+49 511"):
        assert personal not in dumped


async def test_refused_changes_leave_no_trace(api: Api) -> None:
    await api.ticket()
    await api.move("hwk", REF, "forwarded", expect=409)
    events = (await api.call("hwk", "GET", f"{TICKET}/audit", 200))["items"]
    assert [e["action"] for e in events] == ["ticket_created"]


@pytest.mark.parametrize("statement", ["update", "delete"])
async def test_the_database_refuses_to_change_or_delete_audit_rows(api: Api, app: Sanic, statement: str) -> None:
    await api.ticket()
    change = update(AuditEvent).values(actor="someone-else") if statement == "update" else delete(AuditEvent)
    with pytest.raises(DBAPIError, match="append-only"):
        async with app.ctx.sessions() as session, session.begin():
            await session.execute(change)
    async with app.ctx.sessions() as session:
        actors = (
            (await session.execute(text("SELECT actor FROM audit_events WHERE subject_type = 'ticket'")))
            .scalars()
            .all()
        )
    assert actors == ["bot"]


def test_no_route_can_modify_the_audit_trail(app: Sanic) -> None:
    audit_routes = [route for route in app.router.routes if "audit" in route.path]
    assert [(route.path, sorted(route.methods)) for route in audit_routes] == [
        ("api/v1/tickets/<reference:str>/audit", ["GET"])
    ]


async def test_the_audit_route_refuses_writes(api: Api) -> None:
    await api.ticket()
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        error = await api.call("hwk", method, f"{TICKET}/audit", 405)
        assert error["error"]["code"] == "method_not_allowed"
