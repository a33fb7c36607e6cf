"""Issue 15 P3: a person's "delete my data" reaches the backend (bot token); open tickets are
anonymised after a configurable age; clerks' free-text reasons stay out of the append-only audit trail."""

from typing import Any

import httpx
from backend_harness import Api, FakeClock
from sanic import Sanic
from staff_ui import log_in, user_with_password

from backend.services.retention import run_retention

ERASE = "/api/v1/erasure-requests"
NOT_FORWARDED, FORWARDED, ELSEWHERE = "LT-2026-AAAAA1", "LT-2026-BBBBB2", "LT-2026-CCCCC3"


async def _forwarded(api: Api, reference: str) -> None:
    await api.ticket(reference)
    for status in ("in_pre_check", "complete", "forwarded"):
        await api.move("hwk", reference, status)


async def test_erasure_erases_cases_not_forwarded_and_marks_forwarded_ones_for_staff(
    api: Api, clock: FakeClock
) -> None:
    await api.ticket(NOT_FORWARDED)
    await _forwarded(api, FORWARDED)
    await api.ticket(ELSEWHERE)
    clock.advance(hours=1)
    answer = await api.call(
        "bot", "POST", ERASE, 200, json={"references": [NOT_FORWARDED, FORWARDED, "LT-2026-ZZZZZ9"]}
    )
    assert answer == {"erased": [NOT_FORWARDED], "marked_for_staff": [FORWARDED], "unknown": ["LT-2026-ZZZZZ9"]}

    erased = await api.call("hwk", "GET", f"/api/v1/tickets/{NOT_FORWARDED}", 200)
    assert "contact_email" not in erased["case"] and "company_name" not in erased["case"]
    assert erased["personal_data_removed"]["kind"] == "person_request"
    forwarded = await api.call("hwk", "GET", f"/api/v1/tickets/{FORWARDED}", 200)
    assert forwarded["case"]["contact_name"] == "Erika Mustermann", "the authority has it: staff decide (Art. 17(3))"
    assert forwarded["erasure_requested_at"] == clock().isoformat()
    trail = (await api.call("hwk", "GET", f"/api/v1/tickets/{FORWARDED}/audit", 200))["items"]
    assert (trail[-1]["action"], trail[-1]["actor"]) == ("erasure_requested", "bot")
    untouched = await api.call("hwk", "GET", f"/api/v1/tickets/{ELSEWHERE}", 200)
    assert untouched["case"]["contact_name"] == "Erika Mustermann", "only the conversation's own cases"


async def test_erasure_is_idempotent(api: Api, clock: FakeClock) -> None:
    await api.ticket(NOT_FORWARDED)
    await _forwarded(api, FORWARDED)
    body = {"references": [NOT_FORWARDED, FORWARDED]}
    first = await api.call("bot", "POST", ERASE, 200, json=body)
    clock.advance(hours=1)
    assert await api.call("bot", "POST", ERASE, 200, json=body) == first
    trail = (await api.call("hwk", "GET", f"/api/v1/tickets/{FORWARDED}/audit", 200))["items"]
    assert [event["action"] for event in trail].count("erasure_requested") == 1


async def test_erasure_takes_only_the_bot_token_and_valid_references(api: Api) -> None:
    await api.ticket(NOT_FORWARDED)
    assert (await api.call("hwk_admin", "POST", ERASE, 403, json={"references": [NOT_FORWARDED]}))["error"]
    await api.call("", "POST", ERASE, 401, json={"references": [NOT_FORWARDED]})
    bad: dict[str, Any]
    for bad in ({"references": []}, {"references": ["not a reference"]}, {"references": [NOT_FORWARDED] * 51}, {}):
        await api.call("bot", "POST", ERASE, 422, json=bad)
    ticket = await api.call("hwk", "GET", f"/api/v1/tickets/{NOT_FORWARDED}", 200)
    assert ticket["personal_data_removed"] is None


async def test_open_tickets_are_anonymised_after_their_own_configurable_age(
    api: Api, app: Sanic, clock: FakeClock
) -> None:
    await api.ticket(NOT_FORWARDED)
    await api.move("hwk", NOT_FORWARDED, "in_pre_check")
    clock.advance(days=89)
    assert await run_retention(app.ctx.sessions, clock(), retention_days=180, open_retention_days=90) == []
    clock.advance(days=1)
    assert await run_retention(app.ctx.sessions, clock(), retention_days=180, open_retention_days=90) == [NOT_FORWARDED]
    ticket = await api.call("hwk", "GET", f"/api/v1/tickets/{NOT_FORWARDED}", 200)
    assert ticket["status"] == "in_pre_check" and "contact_email" not in ticket["case"]
    assert ticket["personal_data_removed"]["kind"] == "retention_open"


async def test_the_open_ticket_age_is_a_setting_with_a_default(app: Sanic) -> None:
    assert app.ctx.settings.open_ticket_retention_days == 365


async def test_free_text_reasons_stay_out_of_the_audit_trail_and_go_with_anonymisation(api: Api) -> None:
    words = "Frau Mustermann hat telefonisch abgesagt"
    await api.ticket(NOT_FORWARDED)
    await api.move("hwk", NOT_FORWARDED, "in_pre_check", reason=words)
    await api.call(
        "hwk",
        "PUT",
        f"/api/v1/tickets/{NOT_FORWARDED}/no-prospect",
        200,
        json={"flag": True, "reasons": ["helper_job", words]},
    )
    await api.call(
        "hwk",
        "POST",
        f"/api/v1/tickets/{NOT_FORWARDED}/routing",
        200,
        json={"pre_check_org": "ihk_hannover", "reason": words},
    )
    trail = (await api.call("ihk", "GET", f"/api/v1/tickets/{NOT_FORWARDED}/audit", 200))["items"]
    assert "Mustermann" not in str(trail)
    assessed = next(event for event in trail if event["action"] == "no_prospect_assessed")
    assert assessed["after"] == {"flag": True, "reasons": ["helper_job"], "own_reasons": 1}
    comments = (await api.call("ihk", "GET", f"/api/v1/tickets/{NOT_FORWARDED}/comments", 200))["items"]
    assert [comment["body"] for comment in comments] == [words, words], "the reasons are kept where they can go"

    await api.call("bot", "POST", ERASE, 200, json={"references": [NOT_FORWARDED]})
    erased = await api.call("ihk", "GET", f"/api/v1/tickets/{NOT_FORWARDED}", 200)
    assert erased["no_prospect"]["reasons"] == ["helper_job"]
    comments = (await api.call("ihk", "GET", f"/api/v1/tickets/{NOT_FORWARDED}/comments", 200))["items"]
    assert all(comment["body"] is None for comment in comments)


async def test_staff_see_the_request_on_a_forwarded_ticket(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    await _forwarded(api, FORWARDED)
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    assert "Löschung ihrer Daten" not in (await client.get(f"/staff/tickets/{FORWARDED}")).text
    await api.call("bot", "POST", ERASE, 200, json={"references": [FORWARDED]})
    page = (await client.get(f"/staff/tickets/{FORWARDED}")).text
    assert "Löschung ihrer Daten verlangt" in page and "Art. 17 Abs. 3 DSGVO" in page
