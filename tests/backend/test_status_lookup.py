"""C11: the employer's status lookup (bot token): reference + the case's e-mail as the proof."""

from backend_harness import Api, FakeClock

from backend.services.status_lookup import FAILURES_PER_REFERENCE, same_email

LOOKUP = "/api/v1/status-lookups"
REFERENCE = "LT-2026-7K3QZD"
EMAIL = "erika@tischlerei-beispiel.de"  # the test body's contact e-mail


async def test_the_right_pair_answers_the_status_and_nothing_else(api: Api) -> None:
    await api.ticket(REFERENCE)
    answer = await api.call("bot", "POST", LOOKUP, 200, json={"reference": REFERENCE, "email": EMAIL})
    assert answer["reference"] == REFERENCE and answer["status"] == "submitted"
    assert set(answer) == {"reference", "status", "updated_at"}


async def test_the_email_is_compared_case_insensitively(api: Api) -> None:
    await api.ticket(REFERENCE)
    await api.call("bot", "POST", LOOKUP, 200, json={"reference": REFERENCE, "email": " Erika@Tischlerei-Beispiel.DE "})


async def test_a_wrong_email_and_an_unknown_reference_get_the_same_answer(api: Api) -> None:
    await api.ticket(REFERENCE)
    wrong = await api.call("bot", "POST", LOOKUP, 404, json={"reference": REFERENCE, "email": "other@beispiel.de"})
    unknown = await api.call("bot", "POST", LOOKUP, 404, json={"reference": "LT-2026-AAAAAA", "email": EMAIL})
    assert wrong == unknown


async def test_repeated_failures_lock_the_reference_for_the_window(api: Api, clock: FakeClock) -> None:
    await api.ticket(REFERENCE)
    for _ in range(FAILURES_PER_REFERENCE):
        await api.call("bot", "POST", LOOKUP, 404, json={"reference": REFERENCE, "email": "guess@beispiel.de"})
    refused = await api.call("bot", "POST", LOOKUP, 429, json={"reference": REFERENCE, "email": EMAIL})
    assert refused["error"]["code"] == "too_many_attempts"
    unknown_too = [
        await api.call("bot", "POST", LOOKUP, 404, json={"reference": "LT-2026-BBBBBB", "email": "x@y.de"})
        for _ in range(FAILURES_PER_REFERENCE)
    ]
    assert len(unknown_too) == FAILURES_PER_REFERENCE
    await api.call("bot", "POST", LOOKUP, 429, json={"reference": "LT-2026-BBBBBB", "email": "x@y.de"})
    clock.advance(minutes=16)
    await api.call("bot", "POST", LOOKUP, 200, json={"reference": REFERENCE, "email": EMAIL})


async def test_after_erasure_no_email_proves_ownership(api: Api) -> None:
    await api.ticket(REFERENCE)
    await api.call("hwk_admin", "POST", f"/api/v1/tickets/{REFERENCE}/erasure", 200)
    await api.call("bot", "POST", LOOKUP, 404, json={"reference": REFERENCE, "email": EMAIL})


async def test_malformed_lookups_are_refused_with_a_clear_error(api: Api) -> None:
    for body in (
        {"reference": "LT-2026-7k3qzd", "email": EMAIL},
        {"reference": REFERENCE},
        {"reference": REFERENCE, "email": EMAIL, "x": 1},
    ):
        answer = await api.call("bot", "POST", LOOKUP, 422, json=body)
        assert set(answer) == {"error"}


async def test_staff_and_anonymous_callers_cannot_look_up(api: Api) -> None:
    await api.ticket(REFERENCE)
    await api.call("hwk", "POST", LOOKUP, 403, json={"reference": REFERENCE, "email": EMAIL})
    await api.call("", "POST", LOOKUP, 401, json={"reference": REFERENCE, "email": EMAIL})


def test_same_email_needs_a_recorded_address() -> None:
    assert same_email("A@B.DE", "a@b.de")
    assert not same_email("a@b.de", None) and not same_email("a@b.de", "a@c.de")
