"""Whole conversations through the REST channel, answered as people answer (issue 13, R8): short
answers with a correction, ages, family members and nationalities in words; misunderstood answers;
a plain "yes" after an offer or after "anything else?". Every conversation here fails when any
message of the assistant comes three times in a row."""

from __future__ import annotations

from typing import List, Sequence

import pytest

from conftest import Conversation

MAX_IN_A_ROW = 2


class Replay:
    """Sends a conversation and keeps every reply, to check that no prompt repeats three times in a row."""

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.replies: List[List[str]] = []

    def say(self, typed: str) -> str:
        messages = [message.get("text", "") for message in self.conversation.say(typed)]
        self.replies.append(messages)
        assert messages, f"no reply to {typed!r}"
        return "\n".join(messages)

    def buttons(self, typed: str) -> List[str]:
        answer = self.conversation.say(typed)
        self.replies.append([message.get("text", "") for message in answer])
        return [button["payload"] for message in answer for button in message.get("buttons", [])]

    def run(self, answers: Sequence[str]) -> str:
        reply = ""
        for typed in answers:
            reply = self.say(typed)
        return reply

    def assert_no_prompt_three_times_in_a_row(self) -> None:
        for index in range(len(self.replies) - MAX_IN_A_ROW):
            window = [set(reply) for reply in self.replies[index : index + MAX_IN_A_ROW + 1]]
            repeated = set.intersection(*window)
            assert not repeated, f"said three times in a row from reply {index + 1}: {sorted(repeated)}"


@pytest.fixture
def german_replay(german: Conversation) -> Replay:
    replay = Replay(german)
    yield replay
    replay.assert_no_prompt_three_times_in_a_row()


@pytest.fixture
def english_replay(english: Conversation) -> Replay:
    replay = Replay(english)
    yield replay
    replay.assert_no_prompt_three_times_in_a_row()


PATH_FINDER_START = ('/inform{"choice": "skilled_job"}', '/inform{"choice": "vocational"}', '/inform{"choice": "yes"}')


def test_english_path_finder_answered_in_words_then_yes_registers_the_case(english_replay: Replay) -> None:
    english_replay.say("/start_pathfinder")
    english_replay.run(PATH_FINDER_START)
    assert "salary" in english_replay.say("no, that job is not regulated")
    english_replay.say("€52,000 a year")
    assert "45 or older" in english_replay.say("no, we are not")
    assert "abroad" in english_replay.say("no, she is 38")
    result = english_replay.say("yes, still in India")
    assert "§ 18a" in result and "register the case" in result
    assert "name of your company" in english_replay.say("yes")


def test_german_path_finder_answered_in_words_then_yes_registers_the_case(german_replay: Replay) -> None:
    german_replay.say("/start_pathfinder")
    german_replay.run(PATH_FINDER_START)
    assert "Bruttogehalt" in german_replay.say("nein, der Beruf ist nicht reglementiert")
    german_replay.say("52.000 € im Jahr")
    assert "45 Jahre oder älter" in german_replay.say("nein")
    assert "Ausland" in german_replay.say("38")
    result = german_replay.say("ja, noch in Ägypten")
    assert "§ 18a" in result and "zur Vorprüfung anmelden" in result
    assert "Wie heißt Ihr Unternehmen" in german_replay.say("ja")


def test_misunderstood_age_is_explained_with_an_example_not_asked_a_third_time(english_replay: Replay) -> None:
    english_replay.say("/start_pathfinder")
    english_replay.run(PATH_FINDER_START)
    english_replay.run(("/deny", "60000", "/deny"))
    first = english_replay.say("can't remember")  # ("hmm, good question" is read as a question for help)
    assert "yes or no" in first and "45 or older" in first
    explained = english_replay.say("can't say")
    assert "write the age" in explained and "45 or older?" not in explained
    english_replay.say("dunno")  # a third miss: the problem and the question again, not three times the same
    assert "45 or older" not in english_replay.say("she's 47")  # taken: the path finder goes on


INTAKE_UNTIL_NATIONALITY_DE = (
    "Fall anmelden",
    "Elektro Nord GmbH",
    "Handwerk",
    "Laatzen",
    "Elektroniker",
    '/inform{"choice": "vocational"}',
    '/inform{"choice": "not_started"}',
    "48.000 € im Jahr",
    "/deny",
    "nein, sie ist 38",
)


def test_german_intake_reads_nationality_and_family_in_words(german_replay: Replay) -> None:
    german_replay.run(INTAKE_UNTIL_NATIONALITY_DE)
    assert "Land" in german_replay.say("ägyptisch")
    german_replay.say("Ägypten")
    german_replay.say("1. März 2027")
    assert "Familienangehörige" not in german_replay.say("meine Frau und zwei Kinder")
    summary = german_replay.run(("Laatzen", "Nadia Hassan", "personal@elektro-nord.de", "0511 987654"))
    assert "Staatsangehörigkeit: Ägypten" in summary
    assert "Mitreisende Familienangehörige: 3" in summary


def test_english_intake_misunderstood_family_is_explained_then_nobody_is_zero(english_replay: Replay) -> None:
    english_replay.run(
        (
            "please open a pre-check case for us",
            "Harbour Logistics GmbH",
            '/inform{"business_type": "industry_trade"}',
            "Hannover",
            "truck driver",
            '/inform{"choice": "vocational"}',
            '/inform{"choice": "in_progress"}',
            "€3,900 a month",
            "no",
            "52",
            "/deny",
        )
    )
    assert "country" in english_replay.say("Filipino")
    english_replay.say("Philippines")
    english_replay.say("next month")
    assert "number of family members" in english_replay.say("a few")
    explained = english_replay.say("several")
    assert '"nobody" is 0' in explained
    assert "Where will the candidate live" in english_replay.say("nobody comes along")
    summary = english_replay.run(("Hannover", "Jonas Berg", "jobs@harbour-logistics.de", '/inform{"choice": "skip"}'))
    assert "Nationality: Philippines" in summary and "Family members coming along: 0" in summary


@pytest.mark.parametrize(
    ("language", "request_text", "first_question"),
    [
        ("de", "bitte legen Sie einen Vorprüfungsfall für uns an", "Wie heißt Ihr Unternehmen"),
        ("en", "please open a pre-check case for us", "name of your company"),
    ],
)
def test_asking_to_open_a_case_starts_the_intake_in_both_languages(
    german: Conversation, english: Conversation, language: str, request_text: str, first_question: str
) -> None:
    conversation = german if language == "de" else english
    assert first_question in conversation.say_text(request_text)


def test_yes_to_anything_else_asks_what_and_no_closes(english_replay: Replay, german_replay: Replay) -> None:
    english_replay.say("thank you")
    payloads = english_replay.buttons("yes")
    assert {"/start_intake", "/start_pathfinder", "/request_human"} <= set(payloads)
    assert "Good luck" in english_replay.say("no")
    german_replay.say("Danke schön")
    assert "Wobei kann ich helfen" in german_replay.say("ja")
    assert "Viel Erfolg" in german_replay.say("nein")
