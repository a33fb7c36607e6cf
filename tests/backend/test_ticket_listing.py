"""D6 visibility and D9 list filters, pagination and search."""

from backend_harness import Api, FakeClock


async def _three_hwk_tickets_and_one_ihk(api: Api, clock: FakeClock) -> None:
    await api.ticket("LT-2026-AAAAA1", company_name="Tischlerei Alpha", contact_name="Anna Albers")
    clock.advance(days=1)
    await api.ticket("LT-2026-BBBBB2", company_name="Bäckerei Beta", occupation="Bäcker")
    clock.advance(days=1)
    await api.ticket("LT-2026-CCCCC3", company_name="Dachdecker Gamma_%")
    await api.ticket("LT-2026-DDDDD4", org="ihk_hannover", company_name="Industrie Delta")


def _references(page: dict) -> list[str]:
    return [item["reference"] for item in page["items"]]


async def test_chamber_staff_see_only_tickets_routed_to_their_organisation(api: Api, clock: FakeClock) -> None:
    await _three_hwk_tickets_and_one_ihk(api, clock)
    hwk = await api.call("hwk", "GET", "/api/v1/tickets", 200)
    assert _references(hwk) == ["LT-2026-CCCCC3", "LT-2026-BBBBB2", "LT-2026-AAAAA1"]
    assert hwk["total"] == 3
    ihk = await api.call("ihk", "GET", "/api/v1/tickets", 200)
    assert _references(ihk) == ["LT-2026-DDDDD4"]
    welcome = await api.call("welcome", "GET", "/api/v1/tickets", 200)
    assert welcome == {"items": [], "total": 0, "limit": 50, "offset": 0}


async def test_other_organisations_ticket_is_404_like_a_missing_one(api: Api, clock: FakeClock) -> None:
    await _three_hwk_tickets_and_one_ihk(api, clock)
    hidden = await api.call("ihk", "GET", "/api/v1/tickets/LT-2026-AAAAA1", 404)
    missing = await api.call("ihk", "GET", "/api/v1/tickets/LT-2026-ZZZZZZ", 404)
    assert hidden == missing


async def test_zentralstelle_sees_only_forwarded_and_later_tickets(api: Api, clock: FakeClock) -> None:
    await _three_hwk_tickets_and_one_ihk(api, clock)
    assert (await api.call("zentralstelle", "GET", "/api/v1/tickets", 200))["total"] == 0
    await api.call("zentralstelle", "GET", "/api/v1/tickets/LT-2026-AAAAA1", 404)
    for step in ("in_pre_check", "complete", "forwarded"):
        await api.move("hwk", "LT-2026-AAAAA1", step)
    listed = await api.call("zentralstelle", "GET", "/api/v1/tickets", 200)
    assert _references(listed) == ["LT-2026-AAAAA1"]
    await api.move("zentralstelle", "LT-2026-AAAAA1", "closed", outcome="pre_approval_granted")
    closed = await api.call("zentralstelle", "GET", "/api/v1/tickets/LT-2026-AAAAA1", 200)
    assert closed["status"] == "closed"
    assert closed["outcome"] == "pre_approval_granted"


async def test_filters_by_status_assignee_and_organisation(api: Api, clock: FakeClock) -> None:
    await _three_hwk_tickets_and_one_ihk(api, clock)
    await api.move("hwk", "LT-2026-BBBBB2", "in_pre_check")
    await api.call("hwk", "PUT", "/api/v1/tickets/LT-2026-CCCCC3/assignee", 200, json={"username": "hwk-2"})
    by_status = await api.call("hwk", "GET", "/api/v1/tickets", 200, params={"status": "in_pre_check"})
    assert _references(by_status) == ["LT-2026-BBBBB2"]
    by_assignee = await api.call("hwk", "GET", "/api/v1/tickets", 200, params={"assignee": "hwk-2"})
    assert _references(by_assignee) == ["LT-2026-CCCCC3"]
    other_org = await api.call("hwk", "GET", "/api/v1/tickets", 200, params={"organisation": "ihk_hannover"})
    assert other_org["total"] == 0, "the organisation filter narrows, it never widens visibility"


async def test_filters_by_creation_date_range(api: Api, clock: FakeClock) -> None:
    await _three_hwk_tickets_and_one_ihk(api, clock)
    day_two = await api.call(
        "hwk", "GET", "/api/v1/tickets", 200, params={"created_from": "2026-11-27", "created_to": "2026-11-27"}
    )
    assert _references(day_two) == ["LT-2026-BBBBB2"]
    from_day_two = await api.call("hwk", "GET", "/api/v1/tickets", 200, params={"created_from": "2026-11-27"})
    assert _references(from_day_two) == ["LT-2026-CCCCC3", "LT-2026-BBBBB2"]


async def test_text_search_matches_company_contact_and_reference_case_insensitively(api: Api, clock: FakeClock) -> None:
    await _three_hwk_tickets_and_one_ihk(api, clock)
    for query, expected in [
        ("bäckerei", ["LT-2026-BBBBB2"]),
        ("ANNA ALBERS", ["LT-2026-AAAAA1"]),
        ("cccc", ["LT-2026-CCCCC3"]),
        ("gamma_%", ["LT-2026-CCCCC3"]),
        ("a_a", []),  # unescaped, "_" would match "anna albers"
        ("delta", []),
    ]:
        page = await api.call("hwk", "GET", "/api/v1/tickets", 200, params={"q": query})
        assert _references(page) == expected, query


async def test_pagination_with_limit_offset_and_total(api: Api, clock: FakeClock) -> None:
    await _three_hwk_tickets_and_one_ihk(api, clock)
    first = await api.call("hwk", "GET", "/api/v1/tickets", 200, params={"limit": 2})
    second = await api.call("hwk", "GET", "/api/v1/tickets", 200, params={"limit": 2, "offset": 2})
    assert _references(first) == ["LT-2026-CCCCC3", "LT-2026-BBBBB2"]
    assert _references(second) == ["LT-2026-AAAAA1"]
    assert first["total"] == second["total"] == 3
    assert (second["limit"], second["offset"]) == (2, 2)


async def test_invalid_query_parameters_are_422_with_details(api: Api) -> None:
    for params in ({"limit": 0}, {"limit": 500}, {"status": "lost"}, {"created_from": "yesterday"}, {"colour": "red"}):
        error = await api.call("hwk", "GET", "/api/v1/tickets", 422, params=params)
        assert error["error"]["code"] == "validation_failed"
        assert error["error"]["details"], params
    repeated = await api.call("hwk", "GET", "/api/v1/tickets?status=submitted&status=closed", 422)
    assert repeated["error"] == {
        "code": "repeated_parameter",
        "message": "Give each query parameter once.",
        "details": ["status"],
    }


async def test_filter_by_overdue_first_response(api: Api, clock: FakeClock) -> None:
    await api.ticket("LT-2026-AAAAA1")
    await api.ticket("LT-2026-BBBBB2")
    clock.advance(hours=47)
    await api.move("hwk", "LT-2026-BBBBB2", "in_pre_check")
    await api.ticket("LT-2026-CCCCC3")
    clock.advance(hours=2)
    overdue = await api.call("hwk", "GET", "/api/v1/tickets", 200, params={"overdue": "true"})
    assert _references(overdue) == ["LT-2026-AAAAA1"]
    assert all(item["overdue"] for item in overdue["items"])
    on_time = await api.call("hwk", "GET", "/api/v1/tickets", 200, params={"overdue": "false"})
    assert _references(on_time) == ["LT-2026-CCCCC3", "LT-2026-BBBBB2"]
