"""Every path-finder outcome through the REST channel, in German and in English: each question
comes in the order the case needs, and the result names the route or the rule that rules it out."""

from __future__ import annotations

from datetime import date

import pytest

from bot.texts import text
from bot.pathfinder_dialogue import question
from conftest import TEST_DAY, Conversation
from tests.pathfinder.outcomes import Play, plays

PLAYS = list(plays())


@pytest.mark.parametrize("play", PLAYS, ids=[f"{play.language}: {play.name}" for play in PLAYS])
def test_the_outcome_is_reached_and_explained(bot_url: str, play: Play) -> None:
    conversation = Conversation(bot_url, play.language)
    reply = conversation.say_text(play.start)
    for answer in play.answers:
        key, values = question(answer.slot, play.language, date.fromisoformat(TEST_DAY))
        assert text(key, play.language, **values) in reply, f"expected the {answer.slot} question"
        reply = conversation.say_text(answer.text)
    missing = [fragment for fragment in play.expect if fragment not in reply]
    assert not missing, f"{missing} not in:\n{reply}"
