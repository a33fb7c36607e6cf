"""C11: the employer's status lookup (bot token): reference + the case's e-mail as the proof."""

import asyncio

from backend_harness import Api, FakeClock
from sanic import Sanic

from backend.services.status_lookup import same_email
from backend.settings import Settings

FAILURES_PER_REQUESTER = Settings().status_lookup_max_failures_per_requester

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


async def test_repeated_failures_lock_the_conversation_out_for_the_window(api: Api, clock: FakeClock) -> None:
    await api.ticket(REFERENCE)
    guess = {"reference": REFERENCE, "email": "guess@beispiel.de", "sender": "guesser"}
    for _ in range(FAILURES_PER_REQUESTER):
        await api.call("bot", "POST", LOOKUP, 404, json=guess)
    refused = await api.call("bot", "POST", LOOKUP, 429, json={**guess, "email": EMAIL})
    assert refused["error"]["code"] == "too_many_attempts"
    unknown = {"reference": "LT-2026-BBBBBB", "email": "x@y.de", "sender": "guesser"}
    for _ in range(FAILURES_PER_REQUESTER):
        await api.call("bot", "POST", LOOKUP, 404, json=unknown)
    await api.call("bot", "POST", LOOKUP, 429, json=unknown)
    clock.advance(minutes=16)
    await api.call("bot", "POST", LOOKUP, 200, json={**guess, "email": EMAIL})


async def test_wrong_emails_from_others_do_not_lock_the_owner_out(api: Api) -> None:
    """Issue 15 P7: five wrong e-mails from anyone once blocked the case's owner too."""
    await api.ticket(REFERENCE)
    for _ in range(FAILURES_PER_REQUESTER):
        await api.call("bot", "POST", LOOKUP, 404, json={"reference": REFERENCE, "email": "guess@x.de", "sender": "g"})
    owner = {"reference": REFERENCE, "email": EMAIL, "sender": "owner"}
    assert (await api.call("bot", "POST", LOOKUP, 200, json=owner))["status"] == "submitted"


async def test_rotating_conversations_from_one_address_do_not_help_a_guesser(api: Api) -> None:
    await api.ticket(REFERENCE)
    for index in range(FAILURES_PER_REQUESTER):
        guess = {"reference": REFERENCE, "email": "guess@x.de", "sender": f"rotating-{index}", "client": "address-1"}
        await api.call("bot", "POST", LOOKUP, 404, json=guess)
    right = {"reference": REFERENCE, "email": EMAIL, "sender": "fresh", "client": "address-1"}
    await api.call("bot", "POST", LOOKUP, 429, json=right)
    await api.call("bot", "POST", LOOKUP, 200, json={**right, "client": "address-2"})


async def test_everyone_together_has_a_much_higher_limit_per_reference(api: Api, app: Sanic) -> None:
    app.ctx.settings = app.ctx.settings.model_copy(update={"status_lookup_max_failures_per_reference": 8})
    await api.ticket(REFERENCE)
    for index in range(8):
        guess = {"reference": REFERENCE, "email": "guess@x.de", "sender": f"s-{index}", "client": f"a-{index}"}
        await api.call("bot", "POST", LOOKUP, 404, json=guess)
    await api.call("bot", "POST", LOOKUP, 429, json={"reference": REFERENCE, "email": EMAIL, "sender": "owner"})


async def test_parallel_guesses_cannot_slip_under_the_limit(api: Api) -> None:
    await api.ticket(REFERENCE)
    guess = {"reference": REFERENCE, "email": "guess@beispiel.de", "sender": "parallel"}
    answers = await asyncio.gather(
        *(api.client.post(LOOKUP, json=guess, headers=api.accounts["bot"].headers) for _ in range(12))
    )
    assert sorted(answer.status_code for answer in answers) == [404] * FAILURES_PER_REQUESTER + [429] * (
        12 - FAILURES_PER_REQUESTER
    )


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
