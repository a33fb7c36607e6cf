"""D2 statuses and transitions, D4 deadline clocks."""

import pytest
from backend_harness import Api, FakeClock

from backend.domain.statuses import TRANSITIONS, Status

REF = "LT-2026-7K3QZD"


async def test_happy_path_from_submitted_to_closed(api: Api) -> None:
    await api.ticket()
    for status in ("in_pre_check", "waiting_for_employer", "in_pre_check", "complete", "forwarded"):
        ticket = await api.move("hwk", REF, status)
        assert ticket["status"] == status
    closed = await api.move(
        "zentralstelle", REF, "closed", outcome="pre_approval_granted", reason="Vorabzustimmung erteilt"
    )
    assert (closed["status"], closed["outcome"]) == ("closed", "pre_approval_granted")
    assert closed["closed_at"] == "2026-11-26T09:00:00+00:00"


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], "complete"),
        ([], "forwarded"),
        (["in_pre_check"], "forwarded"),
        (["in_pre_check", "waiting_for_employer"], "complete"),
        (["in_pre_check"], "submitted"),
    ],
)
async def test_transitions_outside_the_table_are_409_with_the_allowed_ones(
    api: Api, path: list[str], refused: str
) -> None:
    await api.ticket()
    for status in path:
        await api.move("hwk", REF, status)
    error = await api.move("hwk", REF, refused, expect=409)
    current = Status(path[-1] if path else "submitted")
    assert error["error"]["code"] == "transition_not_allowed"
    assert sorted(error["error"]["details"]) == sorted(t.value for (o, t) in TRANSITIONS if o is current)
    assert (await api.call("hwk", "GET", f"/api/v1/tickets/{REF}", 200))["status"] == current.value


async def test_closed_is_final(api: Api) -> None:
    await api.ticket()
    await api.move("hwk", REF, "closed", outcome="withdrawn")
    error = await api.move("hwk", REF, "in_pre_check", expect=409)
    assert error["error"]["details"] == []


async def test_closing_needs_an_outcome_that_fits_the_stage(api: Api) -> None:
    await api.ticket()
    missing = await api.move("hwk", REF, "closed", expect=422)
    assert missing["error"]["code"] == "outcome_required"
    assert "no_prospect" in missing["error"]["details"]
    wrong_stage = await api.move("hwk", REF, "closed", outcome="pre_approval_granted", expect=422)
    assert "pre_approval_granted" not in wrong_stage["error"]["details"]
    stray = await api.move("hwk", REF, "in_pre_check", outcome="withdrawn", expect=422)
    assert stray["error"]["code"] == "outcome_not_expected"


async def test_only_the_zentralstelle_decides_a_forwarded_ticket(api: Api) -> None:
    await api.ticket()
    for status in ("in_pre_check", "complete", "forwarded"):
        await api.move("hwk", REF, status)
    error = await api.move("hwk", REF, "closed", outcome="refused", expect=403)
    assert error["error"]["code"] == "transition_not_yours"
    returned = await api.move("zentralstelle", REF, "in_pre_check", reason="Lebenslauf fehlt")
    assert returned["status"] == "in_pre_check"
    await api.call("zentralstelle", "GET", f"/api/v1/tickets/{REF}", 404)


async def test_zentralstelle_cannot_start_the_pre_check(api: Api) -> None:
    await api.ticket()
    await api.move("zentralstelle", REF, "in_pre_check", expect=404)


async def test_first_response_is_overdue_after_the_target_without_a_response(api: Api, clock: FakeClock) -> None:
    created = await api.ticket()
    assert created["first_response"] == {"due_at": "2026-11-28T09:00:00+00:00", "responded_at": None, "overdue": False}
    assert created["overdue"] is False
    clock.advance(hours=48, seconds=1)
    late = await api.call("hwk", "GET", f"/api/v1/tickets/{REF}", 200)
    assert late["overdue"] is True
    answered = await api.move("hwk", REF, "in_pre_check")
    assert answered["first_response"]["responded_at"] == "2026-11-28T09:00:01+00:00"
    assert answered["overdue"] is True, "a late first response stays visible as late"


async def test_first_response_in_time_is_not_overdue_later(api: Api, clock: FakeClock) -> None:
    await api.ticket()
    clock.advance(hours=47)
    await api.move("hwk", REF, "in_pre_check")
    clock.advance(days=30)
    ticket = await api.call("hwk", "GET", f"/api/v1/tickets/{REF}", 200)
    assert ticket["overdue"] is False
    assert ticket["first_response"]["responded_at"] == "2026-11-28T08:00:00+00:00"


async def test_first_response_target_is_configurable(api: Api, app, clock: FakeClock) -> None:
    from datetime import timedelta

    app.ctx.first_response_target = timedelta(hours=4)
    ticket = await api.ticket()
    assert ticket["first_response"]["due_at"] == "2026-11-26T13:00:00+00:00"


async def test_statutory_clocks_appear_once_forwarded_with_their_sources(api: Api, clock: FakeClock) -> None:
    created = await api.ticket()
    assert created["statutory_clocks"] is None
    for status in ("in_pre_check", "complete"):
        await api.move("hwk", REF, status)
    clock.advance(days=3)
    forwarded = await api.move("hwk", REF, "forwarded")
    clocks = forwarded["statutory_clocks"]
    assert clocks["informational"] is True
    assert clocks["forwarded_at"] == "2026-11-29T09:00:00+00:00"
    durations = {entry["id"]: entry["duration"] for entry in clocks["clocks"]}
    assert durations == {
        "recognition_decision": {"months": 2},
        "ba_approval": {"weeks": 1},
        "visa_appointment": {"weeks": 3},
        "visa_decision": {"weeks": 3},
    }
    assert "facts.md" in clocks["source"]
    assert all(entry["source"] for entry in clocks["clocks"])


PATH_TO = {
    Status.SUBMITTED: [],
    Status.IN_PRE_CHECK: ["in_pre_check"],
    Status.WAITING_FOR_EMPLOYER: ["in_pre_check", "waiting_for_employer"],
    Status.COMPLETE: ["in_pre_check", "complete"],
    Status.FORWARDED: ["in_pre_check", "complete", "forwarded"],
    Status.CLOSED: ["closed"],
}


async def test_every_pair_of_statuses_is_allowed_exactly_when_the_table_has_it(api: Api) -> None:
    outcomes = []
    for number, (origin, target) in enumerate((o, t) for o in Status for t in Status):
        reference = f"LT-2026-{number:06d}"
        await api.ticket(reference)
        for step in PATH_TO[origin]:
            await api.move("hwk", reference, step, **({"outcome": "withdrawn"} if step == "closed" else {}))
        actor = "zentralstelle" if origin is Status.FORWARDED else "hwk"
        extra = {"outcome": "withdrawn"} if target is Status.CLOSED else {}
        response = await api.client.post(
            f"/api/v1/tickets/{reference}/transitions",
            json={"to": target.value, **extra},
            headers=api.accounts[actor].headers,
        )
        outcomes.append(((origin.value, target.value), response.status_code))
    allowed = {(o.value, t.value) for (o, t) in TRANSITIONS}
    assert len(outcomes) == len(Status) ** 2
    assert {pair for pair, status in outcomes if status == 200} == allowed
    assert {status for pair, status in outcomes if pair not in allowed} == {409}
