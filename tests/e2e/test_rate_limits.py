"""C11, C12 end to end: limits on new cases per client address and on status lookups per
conversation (bot) and per reference (backend). A stack of its own with low limits, so that a
few conversations reach them."""

from __future__ import annotations

import re
from typing import Iterator

import pytest

from conftest import TEST_DAY, Conversation, _port_is_free
from intake_script import CARPENTER_IN_GARBSEN_DE, run_intake
from ports import shifted
from stack import Ports, Stack

from bot.texts import text

REFERENCE = re.compile(r"LT-\d{4}-[0-9A-HJKMNP-TV-Z]{6}")
OWN_PORTS_SHIFT = 20  # off the shared test stack's ports
LIMITS = {
    "LOTSE_CASES_PER_ADDRESS_PER_DAY": "1",
    "LOTSE_STATUS_LOOKUPS_PER_SENDER_PER_HOUR": "2",
    "LOTSE_TRUSTED_PROXIES": "127.0.0.1",  # so that a conversation can come from another client address
    "LOTSE_MESSAGE_RATE": "100000/minute",  # not the limit tested here (tests/channels/test_channel_message_limits.py)
}
FAILED_PROOFS_PER_CLIENT = 5  # the backend's limit per reference and client (LOTSE_STATUS_LOOKUP_MAX_FAILURES_…)
GUESSER, OWNER = "203.0.113.9", "198.51.100.7"


@pytest.fixture(scope="module")
def limited_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = shifted(Ports())
    ports = Ports(*(port + OWN_PORTS_SHIFT for port in (base.rasa, base.actions, base.backend, base.web)))
    busy = [port for port in (ports.rasa, ports.actions, ports.backend, ports.web) if not _port_is_free(port)]
    if busy:
        pytest.fail(f"ports {busy} are in use")
    running = Stack(
        var_dir=tmp_path_factory.mktemp("limited"),
        ports=ports,
        extra_env={"LOTSE_TEST_MODE": "1", "LOTSE_TODAY": TEST_DAY, "LOTSE_OUTBOX_INTERVAL_SECONDS": "1", **LIMITS},
    )
    try:
        running.start()
        running.wait_until_ready()
        yield f"http://127.0.0.1:{ports.rasa}"
    finally:
        running.stop()


def _says_in_english(key: str, reply: str, **values: str) -> bool:
    """Whether the reply holds the English message (up to its first placeholder's filling)."""
    return text(key, "en", **values, status="").split(":")[0] in reply


def _look_up(bot_url: str, reference: str, email: str, address: str) -> str:
    asker = Conversation(bot_url, "en", forwarded_for=address)
    asker.say_text(f"What's the status of case {reference}?")
    return asker.say_text(email)


def test_limits_on_new_cases_per_address_and_on_status_lookups(limited_bot: str) -> None:
    first = Conversation(limited_bot, "de")
    run_intake(first, CARPENTER_IN_GARBSEN_DE)
    reference = REFERENCE.search(first.say_text("Ja, einverstanden")).group(0)

    second = Conversation(limited_bot, "de")  # another conversation from the same address
    run_intake(second, CARPENTER_IN_GARBSEN_DE)
    refused = second.say_text("Ja, einverstanden")
    assert "Von Ihrem Anschluss" in refused and not REFERENCE.search(refused)

    # per conversation (bot): the third lookup in an hour is refused without asking the backend
    asker = Conversation(limited_bot, "en")
    for _ in range(2):
        asker.say_text("What's the status of case LT-2026-ZZZZZZ?")
        assert "found no case" in asker.say_text("someone@example.de")
    asker.say_text("What's the status of case LT-2026-ZZZZZZ?")
    assert "too many lookups" in asker.say_text("someone@example.de")

    # per reference and client address (backend): five wrong e-mails stop the guesser's address,
    # whatever conversation it opens, but not the owner, who asks from elsewhere
    # the lookups are in English, of a case registered in German: the replies are in the asker's language (R9)
    for _ in range(FAILED_PROOFS_PER_CLIENT):
        assert _says_in_english("status_not_found", _look_up(limited_bot, reference, "guess@example.de", GUESSER))
    owner_email = "personal@tischlerei-sonnenschein.de"
    assert _says_in_english("status_too_many_lookups", _look_up(limited_bot, reference, owner_email, GUESSER))
    assert _says_in_english("status_current", _look_up(limited_bot, reference, owner_email, OWNER), reference=reference)
