"""E19: the candidate's link code: resolving it (bot token), revoking and regenerating it (staff),
the rate limit on wrong codes, and that a linked candidate sees nothing of the employer's data."""

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from backend_harness import Api, FakeClock
from sanic import Sanic
from sqlalchemy import text
from staff_ui import log_in, page_csrf, user_with_password
from ticket_bodies import ticket_body

from backend.domain.candidate_link import CANDIDATE_DOCUMENTS, is_link_code, link_digest, new_link_code
from backend.settings import Settings

RESOLVE = "/api/v1/candidate-links/resolve"
REFERENCE = "LT-2026-7K3QZD"
CODE = "7KQ2-XZ9M-3HDP"
CHECKLIST_FILE = Path(__file__).resolve().parents[2] / "bot" / "knowledge" / "checklist.yml"


def _body(code: str = CODE, reference: str = REFERENCE, **extra: Any) -> dict[str, Any]:
    body = ticket_body(reference)
    body["candidate_link_code"] = code
    body["checklist"] = [
        {"item": "vollmacht", "state": "missing"},
        {"item": "passport_copy", "state": "received"},
        {"item": "qualification_documents", "state": "needs_translation"},
        {"item": "job_offer_contract", "state": "missing"},
        {"item": "erklaerung_beschaeftigungsverhaeltnis", "state": "missing"},
        {"item": "family_passports", "state": "checked"},
    ]
    body.update(extra)
    return body


async def _resolve(api: Api, code: str, expect: int, sender: str = "conversation-1") -> Any:
    return await api.call("bot", "POST", RESOLVE, expect, json={"code": code, "sender": sender})


async def test_the_code_shows_the_status_and_only_the_candidates_open_documents(api: Api) -> None:
    await api.create(_body())
    view = await _resolve(api, CODE, 200)
    assert view == {
        "status": "submitted",
        "missing_documents": [
            {"item": "vollmacht", "state": "missing"},
            {"item": "qualification_documents", "state": "needs_translation"},
        ],
    }


async def test_nothing_of_the_employers_case_is_in_the_answer(api: Api) -> None:
    await api.create(_body())
    text = str(await _resolve(api, CODE, 200))
    for secret in ("Tischlerei", "Erika", "erika@", "52000", REFERENCE, "job_offer_contract", "garbsen", "hwk"):
        assert secret not in text


async def test_the_view_follows_the_staffs_work(api: Api) -> None:
    await api.create(_body())
    await api.move("hwk", REFERENCE, "in_pre_check")
    await api.call("hwk", "PUT", f"/api/v1/tickets/{REFERENCE}/checklist/vollmacht", 200, json={"state": "received"})
    view = await _resolve(api, CODE, 200)
    assert view["status"] == "in_pre_check"
    assert [entry["item"] for entry in view["missing_documents"]] == ["qualification_documents"]


@pytest.mark.parametrize(
    "code", ["AAAA-BBBB-CCCC", "7kq2-xz9m-3hdp", "7KQ2XZ9M3HDP", "LT-2026-7K3QZD", "x", "' OR 1=1 --"]
)
async def test_unknown_and_malformed_codes_get_one_and_the_same_answer(api: Api, code: str) -> None:
    await api.create(_body())
    assert await _resolve(api, code, 404) == await _resolve(api, "ZZZZ-ZZZZ-ZZZZ", 404, sender="conversation-2")


async def test_a_revoked_code_answers_like_an_unknown_one(api: Api) -> None:
    await api.create(_body())
    unknown = await _resolve(api, "ZZZZ-ZZZZ-ZZZZ", 404, sender="conversation-2")
    revoked = await api.call("hwk", "DELETE", f"/api/v1/tickets/{REFERENCE}/candidate-link", 200)
    assert revoked == {"reference": REFERENCE, "candidate_link_code": None}
    assert await _resolve(api, CODE, 404) == unknown


async def test_a_regenerated_code_replaces_the_old_one_at_once(api: Api) -> None:
    await api.create(_body())
    answer = await api.call("hwk", "POST", f"/api/v1/tickets/{REFERENCE}/candidate-link", 200)
    new_code = answer["candidate_link_code"]
    assert is_link_code(new_code) and new_code != CODE
    await _resolve(api, CODE, 404)
    assert (await _resolve(api, new_code, 200))["status"] == "submitted"


async def test_code_changes_are_audited_without_the_code(api: Api) -> None:
    await api.create(_body())
    answer = await api.call("hwk", "POST", f"/api/v1/tickets/{REFERENCE}/candidate-link", 200)
    await api.call("hwk", "DELETE", f"/api/v1/tickets/{REFERENCE}/candidate-link", 200)
    trail = (await api.call("hwk", "GET", f"/api/v1/tickets/{REFERENCE}/audit", 200))["items"]
    changes = [
        (event["action"], event["before"], event["after"]) for event in trail if "candidate_link" in event["action"]
    ]
    assert changes == [
        ("candidate_link_regenerated", {"candidate_link": "active"}, {"candidate_link": "active"}),
        ("candidate_link_revoked", {"candidate_link": "active"}, {"candidate_link": "none"}),
    ]
    assert CODE not in str(trail) and answer["candidate_link_code"] not in str(trail)


async def test_the_ticket_json_never_shows_the_code(api: Api) -> None:
    await api.create(_body())
    await api.call("hwk", "POST", f"/api/v1/tickets/{REFERENCE}/candidate-link", 200)
    ticket = await api.call("hwk", "GET", f"/api/v1/tickets/{REFERENCE}", 200)
    assert "candidate_link_code" not in ticket


async def test_only_the_pre_check_organisation_manages_the_code(api: Api) -> None:
    await api.create(_body())
    await api.call("ihk", "POST", f"/api/v1/tickets/{REFERENCE}/candidate-link", 404)
    await api.call("bot", "DELETE", f"/api/v1/tickets/{REFERENCE}/candidate-link", 404)
    await api.call("hwk", "POST", RESOLVE, 403, json={"code": CODE, "sender": "staff"})
    await _resolve(api, CODE, 200)


async def test_wrong_codes_are_limited_per_sender_for_the_window(
    api: Api, clock: FakeClock, settings: Settings
) -> None:
    await api.create(_body())
    for index in range(settings.link_max_failures_per_sender):
        await _resolve(api, f"ZZZZ-ZZZZ-{index:04d}", 404)
    refused = await _resolve(api, CODE, 429)  # even the right code: the limit reveals nothing
    assert refused["error"]["code"] == "too_many_attempts"
    assert (await _resolve(api, CODE, 200, sender="conversation-2"))["status"] == "submitted"
    clock.advance(minutes=settings.login_failure_window_minutes + 1)
    await _resolve(api, CODE, 200)


async def test_throw_away_conversations_do_not_block_the_right_candidate(api: Api, settings: Settings) -> None:
    """Issue 15 P7: forty conversations with five wrong codes each once locked out every candidate."""
    await api.create(_body())
    for sender in range(40):
        for index in range(settings.link_max_failures_per_sender):
            await _resolve(api, f"ZZZZ-ZZZZ-{index:04d}", 404, sender=f"throwaway-{sender}")
    assert (await _resolve(api, CODE, 200, sender="the-candidate"))["status"] == "submitted"


async def test_wrong_codes_are_limited_per_client_address_too(api: Api, settings: Settings) -> None:
    await api.create(_body())
    for index in range(settings.link_max_failures_per_sender):
        body = {"code": f"ZZZZ-ZZZZ-{index:04d}", "sender": f"rotating-{index}", "client": "address-key-1"}
        await api.call("bot", "POST", RESOLVE, 404, json=body)
    await api.call("bot", "POST", RESOLVE, 429, json={"code": CODE, "sender": "fresh", "client": "address-key-1"})
    await api.call("bot", "POST", RESOLVE, 200, json={"code": CODE, "sender": "fresh", "client": "address-key-2"})


async def test_the_code_is_stored_only_as_a_digest(api: Api, app: Sanic) -> None:
    await api.create(_body())
    issued = (await api.call("hwk", "POST", f"/api/v1/tickets/{REFERENCE}/candidate-link", 200))["candidate_link_code"]
    async with app.ctx.sessions() as session:
        rows = (await session.execute(text("SELECT * FROM tickets"))).all()
    assert rows and CODE not in str(rows) and issued not in str(rows)
    assert link_digest(issued) in str(rows)


async def test_a_code_held_by_two_tickets_names_no_case(api: Api) -> None:
    await api.create(_body())
    await api.create(_body(reference="LT-2026-8P4MQR"))
    await _resolve(api, CODE, 404)


async def test_after_erasure_the_code_no_longer_works(api: Api) -> None:
    await api.create(_body())
    await api.call("hwk_admin", "POST", f"/api/v1/tickets/{REFERENCE}/erasure", 200)
    await _resolve(api, CODE, 404)


def test_new_codes_are_random_and_in_the_format() -> None:
    codes = {new_link_code() for _ in range(300)}
    assert len(codes) == 300 and all(is_link_code(code) for code in codes)


def test_the_candidates_documents_are_items_of_the_bots_checklist() -> None:
    items = {entry["id"] for entry in yaml.safe_load(CHECKLIST_FILE.read_text(encoding="utf-8"))["items"]}
    assert CANDIDATE_DOCUMENTS <= items
    assert "job_offer_contract" not in CANDIDATE_DOCUMENTS and "agreement_signatory" not in CANDIDATE_DOCUMENTS


async def test_staff_issue_and_revoke_the_code_with_the_buttons_on_the_ticket_page(
    api: Api, app: Sanic, client: httpx.AsyncClient
) -> None:
    await api.create(_body())
    await user_with_password(app, "hwk-link", "hwk_hannover")
    await log_in(client, "hwk-link")
    page = f"/staff/tickets/{REFERENCE}"
    before = (await client.get(page)).text
    assert CODE not in before and 'id="candidate-link-active"' in before
    form = f"{page}/candidate-link"
    issued = await client.post(form, data={"csrf_token": await page_csrf(client, page), "do": "regenerate"})
    assert issued.status_code == 200
    new_code = re.search(r'id="candidate-link-code">([^<]+)<', issued.text)
    assert new_code and new_code.group(1) != CODE
    assert new_code.group(1) not in (await client.get(page)).text, "shown once"
    await _resolve(api, new_code.group(1), 200)
    revoked = await client.post(form, data={"csrf_token": await page_csrf(client, page), "do": "revoke"})
    assert revoked.status_code == 303
    assert 'id="candidate-link-none"' in (await client.get(page)).text
    await _resolve(api, new_code.group(1), 404)
    wrong = await client.post(form, data={"csrf_token": await page_csrf(client, page), "do": "delete-everything"})
    assert wrong.status_code == 422


async def test_other_organisations_staff_see_neither_the_code_nor_the_buttons(
    api: Api, app: Sanic, client: httpx.AsyncClient
) -> None:
    await api.create(_body())
    for status in ("in_pre_check", "complete", "forwarded"):
        await api.move("hwk", REFERENCE, status)
    await user_with_password(app, "zs-link", "zentralstelle")
    await log_in(client, "zs-link")
    page = (await client.get(f"/staff/tickets/{REFERENCE}")).text
    assert CODE not in page and "candidate-link" not in page
