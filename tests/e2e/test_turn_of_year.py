"""Issue 14 V1 on the real stack: on 2027-01-15 the knowledge file has no salary thresholds, and the
path finder still names the routes, says which check could not be made, gives the last known value
with its validity and refers to the Zentralstelle. A stack of its own with LOTSE_TODAY in 2027."""

from __future__ import annotations

from datetime import date
from typing import Iterator

import pytest

from bot.texts import text
from bot.pathfinder_dialogue import question
from conftest import Conversation, _port_is_free
from ports import shifted
from stack import Ports, Stack
from tests.pathfinder.outcomes import Play, plays

NEW_YEAR = "2027-01-15"
OWN_PORTS_SHIFT = 40  # off the shared test stack's ports and test_rate_limits.py's
# outcomes whose result involves a salary threshold (an 18a case under 45 has none to check)
CASES = {
    "IT specialist without a degree, five years and a good salary (IT Blue Card and 19c2)",
    "degree with a salary above the Blue Card threshold (18b and Blue Card)",
    "worker aged 45 or over below the salary threshold without pension provision (no prospect)",
}
PLAYS = [play for play in plays() if play.name in CASES]
EXPECT = {
    "de": ["Zuletzt bekannt", "gültig vom 01.01.2026 bis 31.12.2026", "0541 66888 200", "kommt in Betracht"],
    "en": ["Last known", "valid from 1 January 2026 to 31 December 2026", "0541 66888 200", "could be an option"],
}


@pytest.fixture(scope="module")
def bot_in_2027(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = shifted(Ports())
    ports = Ports(*(port + OWN_PORTS_SHIFT for port in (base.rasa, base.actions, base.backend, base.web)))
    busy = [port for port in (ports.rasa, ports.actions, ports.backend, ports.web) if not _port_is_free(port)]
    if busy:
        pytest.fail(f"ports {busy} are in use")
    running = Stack(
        var_dir=tmp_path_factory.mktemp("new-year"),
        ports=ports,
        extra_env={
            "LOTSE_TEST_MODE": "1",
            "LOTSE_TODAY": NEW_YEAR,
            "LOTSE_OUTBOX_INTERVAL_SECONDS": "1",
            "LOTSE_MESSAGE_RATE": "1000000/minute",  # every conversation comes from this one address
        },
    )
    try:
        running.start()
        running.wait_until_ready()
        yield f"http://127.0.0.1:{ports.rasa}"
    finally:
        running.stop()


@pytest.mark.parametrize("play", PLAYS, ids=[f"{play.language}: {play.name}" for play in PLAYS])
def test_a_missing_threshold_is_an_open_check_not_a_no(bot_in_2027: str, play: Play) -> None:
    conversation = Conversation(bot_in_2027, play.language)
    reply = conversation.say_text(play.start)
    for answer in play.answers:
        key, values = question(answer.slot, play.language, date.fromisoformat(NEW_YEAR))
        assert text(key, play.language, **values) in reply, f"expected the {answer.slot} question"
        reply = conversation.say_text(answer.text)
    missing = [fragment for fragment in EXPECT[play.language] if fragment not in reply]
    assert not missing, f"{missing} not in:\n{reply}"
    assert text("pf_result_no_title", play.language) not in reply
