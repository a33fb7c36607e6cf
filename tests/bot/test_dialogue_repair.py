"""No dead ends: the question is explained instead of asked a third time, and a stray yes or no goes somewhere."""

from __future__ import annotations

import pytest

from actions.intake import INTAKE_SLOTS
from bot.dialogue_repair import names_the_problem, offer_taken_by_yes, prompt_key, reply_to_yes_no
from bot.texts import all_texts, text
from bot.pathfinder_dialogue import PATHFINDER_SLOTS


@pytest.mark.parametrize("slot", [*INTAKE_SLOTS, *PATHFINDER_SLOTS])
def test_every_question_has_an_explanation_with_a_way_out(slot: str) -> None:
    explanation = all_texts()[f"help_{slot}"]
    assert explanation["de"] != explanation["en"]
    assert "/request_human" in [button["payload"] for button in explanation["buttons"]]


@pytest.mark.parametrize(
    ("failures", "key", "problem_named"),
    [(0, "ask", False), (1, "ask", True), (2, "help_pf_age_45", False), (3, "ask", True), (4, "help_pf_age_45", False)],
)
def test_the_question_alternates_with_its_explanation(failures: int, key: str, problem_named: bool) -> None:
    assert prompt_key("pf_age_45", "ask", failures) == key
    assert names_the_problem(failures) == problem_named


def test_no_prompt_comes_three_times_in_a_row() -> None:
    said = [
        [*(["problem"] if names_the_problem(failures) else []), prompt_key("family_members", "ask", failures)]
        for failures in range(8)
    ]
    for first, second, third in zip(said, said[1:], said[2:]):
        assert not set(first) & set(second) & set(third)


def test_a_question_without_an_explanation_is_asked_again() -> None:
    assert prompt_key("correction_field", "correction_which_field", 2) == "correction_which_field"


@pytest.mark.parametrize("language", ["de", "en"])
def test_yes_takes_the_offer_just_made(language: str) -> None:
    result = f"Likely route: § 18a\n{text('pf_result_offer', language)}"
    assert offer_taken_by_yes(result) == "/start_intake"
    assert reply_to_yes_no("yes", text("pf_result_offer_no_prospect", language), None).payload == "/request_human"


def test_yes_without_an_offer_asks_what_with_the_main_options() -> None:
    reply = reply_to_yes_no("yes", "Is there anything else I can help you with?", "utter_anything_else")
    assert reply.message_key == "what_can_i_do"
    payloads = [button["payload"] for button in all_texts()["what_can_i_do"]["buttons"]]
    assert {"/start_intake", "/start_pathfinder", "/request_human"} <= set(payloads)


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_after_anything_else_closes_instead_of_asking_again(language: str) -> None:
    assert reply_to_yes_no("no", "", "utter_anything_else").message_key == "anything_else_closing"
    assert reply_to_yes_no("no", text("what_can_i_do", language), None).message_key == "anything_else_closing"


def test_no_to_an_offer_asks_whether_there_is_anything_else() -> None:
    assert reply_to_yes_no("no", text("pf_result_offer", "en"), None).response == "utter_anything_else"
