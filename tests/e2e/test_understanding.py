"""Real-style messages through the REST channel: English with German names answered in English,
the user's own figures and claims answered, two questions answered, context kept for the path finder."""

from __future__ import annotations

from datetime import date

from conftest import TEST_DAY, Conversation

from bot.answers.formatting import format_value
from bot.knowledge import knowledge, value_on

DAY = date.fromisoformat(TEST_DAY)


def figure(fact_id: str, language: str) -> str:
    return format_value(value_on(fact_id, DAY).value, knowledge().fact(fact_id).unit, language)


def test_english_with_german_authority_names_is_answered_in_english(
    undeclared: Conversation, german: Conversation
) -> None:
    for conversation in (undeclared, german):  # also when the widget's page is German
        text = conversation.say_text("How much does the Anerkennung at the Handwerkskammer Hannover cost?")
        assert "Recognition costs" in text and "Anerkennungskosten" not in text


def test_a_monthly_salary_is_compared_with_the_blue_card_threshold(english: Conversation) -> None:
    text = english.say_text("we offer 3,600 € a month to an engineer — enough for a Blue Card?")
    assert "€43,200" in text and f"threshold {figure('salary_blue_card_general', 'en')} – no" in text


def test_context_names_the_chamber_and_the_age_rule_with_its_figure(german: Conversation) -> None:
    text = german.say_text(
        "Wir haben eine Autowerkstatt in Burgdorf, der Mechaniker ist 52 und kommt aus Ägypten. Welche Kammer ist zuständig?"
    )
    assert "Handwerkskammer Hannover" in text and figure("salary_age_45_plus", "de") in text


def test_a_wrong_claim_is_corrected_with_the_figure_and_its_source(english: Conversation) -> None:
    text = english.say_text("I read that the employment agency has two weeks to approve — right?")
    assert f"The right figure is {figure('deadline_ba_accelerated', 'en')}, not 2 weeks" in text
    assert "§ 36 Abs. 2 BeschV" in text


def test_two_questions_get_two_answers(german: Conversation) -> None:
    text = german.say_text("Was kostet das nationale Visum und wie lange dauert das ganze Verfahren?")
    assert figure("fee_visa_national", "de") in text and figure("duration_total_typical", "de") in text


def test_context_given_in_a_question_is_not_asked_again_by_the_path_finder(english: Conversation) -> None:
    english.say_text(
        "We are a bakery in Garbsen. Our baker is 46 and we pay €3,000 a month. Which chamber is responsible?"
    )
    replies = [
        english.say_text(message)
        for message in (
            "/start_pathfinder",
            '/inform{"choice": "skilled_job"}',
            '/inform{"choice": "vocational"}',
            '/inform{"choice": "yes"}',
            "/deny",
            "/deny",
            "/deny",
            "/affirm",
        )
    ]
    conversation = "\n".join(replies)
    assert "What gross salary is planned" not in conversation
    assert "Is the candidate 45 or older" not in conversation
    assert "€36,000" in replies[-1]
