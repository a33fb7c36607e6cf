"""D1/D9: checklist, no-prospect assessment, comments, assignment and re-routing by staff."""

from backend_harness import Api, FakeClock

REF = "LT-2026-7K3QZD"
TICKET = f"/api/v1/tickets/{REF}"


async def test_checklist_item_state_changes_and_unknown_items_are_added(api: Api) -> None:
    await api.ticket()
    ticket = await api.call("hwk", "PUT", f"{TICKET}/checklist/vollmacht", 200, json={"state": "checked"})
    assert ticket["checklist"][0] == {"item": "vollmacht", "state": "checked"}
    ticket = await api.call("hwk", "PUT", f"{TICKET}/checklist/cv_german", 200, json={"state": "needs_translation"})
    assert ticket["checklist"] == [
        {"item": "vollmacht", "state": "checked"},
        {"item": "passport_copy", "state": "received"},
        {"item": "cv_german", "state": "needs_translation"},
    ]


async def test_checklist_refuses_unknown_states_and_bad_item_ids(api: Api) -> None:
    await api.ticket()
    bad_state = await api.call("hwk", "PUT", f"{TICKET}/checklist/vollmacht", 422, json={"state": "lost"})
    assert bad_state["error"]["details"][0]["loc"] == ["state"]
    await api.call("hwk", "PUT", f"{TICKET}/checklist/Not-Snake", 422, json={"state": "checked"})


async def test_no_prospect_assessment_is_recorded_with_reasons(api: Api) -> None:
    await api.ticket()
    reasons = ["salary_below_threshold", "worker_already_in_germany"]
    ticket = await api.call("hwk", "PUT", f"{TICKET}/no-prospect", 200, json={"flag": True, "reasons": reasons})
    assert ticket["no_prospect"] == {"flag": True, "reasons": reasons}


async def test_comments_are_added_and_listed_oldest_first(api: Api, clock: FakeClock) -> None:
    await api.ticket()
    first = await api.call("hwk", "POST", f"{TICKET}/comments", 201, json={"body": "Vollmacht angefordert."})
    clock.advance(minutes=5)
    await api.call("hwk_2", "POST", f"{TICKET}/comments", 201, json={"body": "Angerufen, kommt Montag."})
    assert first["author"] == "hwk" and first["body"] == "Vollmacht angefordert."
    listed = await api.call("hwk", "GET", f"{TICKET}/comments", 200)
    assert [(c["author"], c["body"]) for c in listed["items"]] == [
        ("hwk", "Vollmacht angefordert."),
        ("hwk-2", "Angerufen, kommt Montag."),
    ]
    assert listed["items"][1]["created_at"] == "2026-11-26T09:05:00+00:00"


async def test_empty_comment_is_refused(api: Api) -> None:
    await api.ticket()
    await api.call("hwk", "POST", f"{TICKET}/comments", 422, json={"body": "   "})


async def test_assignment_to_a_colleague_and_back_to_nobody(api: Api) -> None:
    await api.ticket()
    assigned = await api.call("hwk", "PUT", f"{TICKET}/assignee", 200, json={"username": "hwk-2"})
    assert assigned["assignee"] == "hwk-2"
    cleared = await api.call("hwk", "PUT", f"{TICKET}/assignee", 200, json={"username": None})
    assert cleared["assignee"] is None


async def test_assignment_only_to_active_users_of_the_pre_check_organisation(api: Api) -> None:
    await api.ticket()
    for username in ("ihk", "lotse-bot", "nobody-here", "bot"):
        error = await api.call("hwk", "PUT", f"{TICKET}/assignee", 422, json={"username": username})
        assert error["error"]["code"] == "assignee_not_eligible"
    await api.call("hwk_admin", "POST", "/api/v1/users/hwk-2/deactivate", 200)
    await api.call("hwk", "PUT", f"{TICKET}/assignee", 422, json={"username": "hwk-2"})


async def test_reroute_moves_the_ticket_to_the_other_chamber_with_a_fresh_target(api: Api, clock: FakeClock) -> None:
    await api.ticket()
    await api.call("hwk", "PUT", f"{TICKET}/assignee", 200, json={"username": "hwk-2"})
    clock.advance(hours=10)
    ticket = await api.call(
        "hwk",
        "POST",
        f"{TICKET}/routing",
        200,
        json={"pre_check_org": "ihk_hannover", "reason": "Industrieberuf, kein Handwerk"},
    )
    assert ticket["routing"]["pre_check_org"] == {"id": "ihk_hannover", "name": "IHK Hannover"}
    assert ticket["routing"]["recognition_body"]["id"] == "hwk_hannover", "only the pre-check org changes"
    assert ticket["assignee"] is None
    assert ticket["first_response"]["due_at"] == "2026-11-28T19:00:00+00:00"
    await api.call("hwk", "GET", TICKET, 404)
    assert (await api.call("ihk", "GET", TICKET, 200))["reference"] == REF


async def test_reroute_needs_a_reason_a_new_partner_and_an_open_pre_check(api: Api) -> None:
    await api.ticket()
    await api.call("hwk", "POST", f"{TICKET}/routing", 422, json={"pre_check_org": "ihk_hannover"})
    same = await api.call(
        "hwk", "POST", f"{TICKET}/routing", 422, json={"pre_check_org": "hwk_hannover", "reason": "test"}
    )
    assert same["error"]["code"] == "same_organisation"
    await api.call("hwk", "POST", f"{TICKET}/routing", 422, json={"pre_check_org": "zentralstelle", "reason": "direkt"})
    for status in ("in_pre_check", "complete"):
        await api.move("hwk", REF, status)
    late = await api.call(
        "hwk", "POST", f"{TICKET}/routing", 409, json={"pre_check_org": "ihk_hannover", "reason": "zu spät"}
    )
    assert late["error"]["code"] == "reroute_not_allowed"


async def test_zentralstelle_reads_and_comments_but_does_not_edit_the_pre_check(api: Api) -> None:
    await api.ticket()
    for status in ("in_pre_check", "complete", "forwarded"):
        await api.move("hwk", REF, status)
    await api.call("zentralstelle", "POST", f"{TICKET}/comments", 201, json={"body": "Eingang bestätigt."})
    error = await api.call("zentralstelle", "PUT", f"{TICKET}/checklist/vollmacht", 403, json={"state": "checked"})
    assert error["error"]["code"] == "not_routed_to_you"
    await api.call("zentralstelle", "PUT", f"{TICKET}/assignee", 403, json={"username": None})
