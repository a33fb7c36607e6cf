"""D5: idempotent creation by the bot, and validation of the body (docs/contracts.md)."""

import copy

import pytest
from backend_harness import Api
from ticket_bodies import FULL_BODY, MINIMAL_BODY, ticket_body


async def test_first_receipt_creates_the_ticket_with_the_case_and_routing(api: Api) -> None:
    ticket = await api.create(FULL_BODY, expect=201)
    assert ticket["reference"] == "LT-2026-7K3QZD"
    assert ticket["status"] == "submitted"
    assert ticket["case"]["company_name"] == "Tischlerei Beispiel GmbH"
    assert ticket["case"]["qualification"] == {
        "type": "vocational",
        "country": "TR",
        "recognition_status": "not_started",
    }
    assert ticket["routing"] == FULL_BODY["routing"]
    assert ticket["checklist"] == [
        {"item": "vollmacht", "state": "missing"},
        {"item": "passport_copy", "state": "received"},
    ]
    assert ticket["no_prospect"] == {"flag": False, "reasons": []}
    assert ticket["assignee"] is None
    assert ticket["created_at"] == "2026-11-26T09:00:00+00:00"
    assert "candidate_link_code" not in ticket


async def test_same_reference_and_body_again_returns_the_same_ticket_with_200(api: Api) -> None:
    first = await api.create(FULL_BODY, expect=201)
    again = await api.create(copy.deepcopy(FULL_BODY), expect=200)
    assert again == first
    staff_view = await api.call("hwk", "GET", "/api/v1/tickets", 200)
    assert staff_view["total"] == 1


async def test_same_reference_with_a_different_body_is_a_conflict(api: Api) -> None:
    await api.create(FULL_BODY)
    changed = ticket_body(occupation="Elektriker")
    error = await api.create(changed, expect=409)
    assert error["error"]["code"] == "reference_conflict"
    ticket = await api.call("hwk", "GET", "/api/v1/tickets/LT-2026-7K3QZD", 200)
    assert ticket["case"]["occupation"] == "Tischler"


async def test_minimal_intake_goes_to_the_welcome_center_by_default(api: Api) -> None:
    ticket = await api.create(MINIMAL_BODY)
    assert ticket["routing"]["pre_check_org"]["id"] == "welcome_center"
    assert ticket["routing"]["forward_to"] is None
    assert ticket["language"] == "de"
    assert ticket["checklist"] == []
    await api.call("welcome", "GET", "/api/v1/tickets/LT-2026-M1N1MA", 200)
    await api.call("hwk", "GET", "/api/v1/tickets/LT-2026-M1N1MA", 404)


@pytest.mark.parametrize(
    "reference",
    [
        "LT-2026-7K3QZ",
        "LT-2026-7K3QZDX",
        "LT-2026-7K3QZU",
        "LT-26-7K3QZD",
        "lt-2026-7k3qzd",
        "LT-2026-7K3QZI",
        "XX-2026-7K3QZD",
    ],
)
async def test_reference_outside_the_crockford_format_is_refused(api: Api, reference: str) -> None:
    error = await api.create(ticket_body(reference), expect=422)
    assert error["error"]["code"] == "validation_failed"
    assert ["reference"] in [detail["loc"] for detail in error["error"]["details"]]


async def test_unknown_keys_are_refused_at_every_level(api: Api) -> None:
    top = {**FULL_BODY, "surprise": 1}
    nested = ticket_body()
    nested["case"]["hobby"] = "chess"
    for body in (top, nested):
        error = await api.create(body, expect=422)
        assert error["error"]["details"][0]["type"] == "extra_forbidden"


async def test_validation_errors_do_not_echo_the_submitted_values(api: Api) -> None:
    body = ticket_body(contact_email="not-an-email-erika")
    error = await api.create(body, expect=422)
    assert error["error"]["details"][0]["loc"] == ["case", "contact_email"]
    assert "erika" not in str(error)


async def test_missing_required_case_fields_are_listed(api: Api) -> None:
    body = copy.deepcopy(MINIMAL_BODY)
    del body["case"]["occupation"]
    del body["consent"]
    error = await api.create(body, expect=422)
    assert {("case", "occupation"), ("consent",)} <= {tuple(d["loc"]) for d in error["error"]["details"]}


async def test_pre_check_org_must_be_a_partner_doing_pre_checks(api: Api) -> None:
    body = ticket_body()
    body["routing"]["pre_check_org"] = {"id": "zentralstelle", "name": "Zentralstelle"}
    error = await api.create(body, expect=422)
    assert error["error"]["details"][0]["loc"][:2] == ["routing", "pre_check_org"]


async def test_duplicate_checklist_items_are_refused(api: Api) -> None:
    body = ticket_body()
    body["checklist"] = [{"item": "vollmacht", "state": "missing"}, {"item": "vollmacht", "state": "received"}]
    await api.create(body, expect=422)


async def test_body_that_is_not_json_is_a_json_error(api: Api) -> None:
    response = await api.client.post("/api/v1/tickets", content=b"{not json", headers=api.accounts["bot"].headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"


async def test_creation_without_a_token_is_401(api: Api) -> None:
    error = await api.call("", "POST", "/api/v1/tickets", 401, json=FULL_BODY)
    assert error["error"]["code"] == "unauthorized"


async def test_staff_tokens_cannot_create_tickets(api: Api) -> None:
    error = await api.call("hwk", "POST", "/api/v1/tickets", 403, json=FULL_BODY)
    assert error["error"]["code"] == "forbidden"


async def test_bot_reads_only_the_status_of_a_ticket(api: Api) -> None:
    await api.create(FULL_BODY)
    status = await api.call("bot", "GET", "/api/v1/tickets/LT-2026-7K3QZD/status", 200)
    assert status == {"reference": "LT-2026-7K3QZD", "status": "submitted", "updated_at": "2026-11-26T09:00:00+00:00"}
    await api.call("bot", "GET", "/api/v1/tickets/LT-2026-7K3QZD", 404)
    await api.call("bot", "GET", "/api/v1/tickets/LT-2026-AAAAAA/status", 404)
    await api.call("hwk", "GET", "/api/v1/tickets/LT-2026-7K3QZD/status", 404)


async def test_concurrent_identical_submissions_create_one_ticket(api: Api) -> None:
    import asyncio

    responses = await asyncio.gather(
        *(api.client.post("/api/v1/tickets", json=FULL_BODY, headers=api.accounts["bot"].headers) for _ in range(6))
    )
    assert sorted(response.status_code for response in responses) == [200, 200, 200, 200, 200, 201]
    assert len({response.json()["reference"] for response in responses}) == 1
    listed = await api.call("hwk", "GET", "/api/v1/tickets", 200)
    assert listed["total"] == 1
    events = await api.call("hwk", "GET", "/api/v1/tickets/LT-2026-7K3QZD/audit", 200)
    assert [event["action"] for event in events["items"]] == ["ticket_created"]
