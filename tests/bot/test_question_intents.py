"""The list of question intents has one source (bot/question_intents.py, from the knowledge file's topics);
every other place that names them must agree with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.intent_titles import all_titles
from bot.question_intents import intent_of, question_intents, topic_of

ROOT = Path(__file__).resolve().parents[2]
# Intents named like questions that are not answered from the knowledge file.
OTHER_ASK_INTENTS = {"ask_status"}


def read(relative: str) -> Any:
    return yaml.safe_load((ROOT / relative).read_text(encoding="utf-8"))


def answering_rules() -> dict[str, set[str]]:
    """Each rule that answers a question (an `or:` of intents, then action_answer_topic): its intents."""
    found: dict[str, set[str]] = {}
    for rule in read("stories/rules.yml")["rules"]:
        steps = rule["steps"]
        for step, following in zip(steps, steps[1:]):
            if "or" in step and following.get("action") == "action_answer_topic":
                found[rule["rule"]] = {choice["intent"] for choice in step["or"]}
    return found


def test_the_source_holds_every_topic_and_the_two_renamed_ones() -> None:
    intents = question_intents()
    assert {"ask_fee_procedure", "ask_zab_evaluation", "help", "request_human"} <= intents
    assert "ask_capabilities" not in intents and "ask_status" not in intents
    assert all(topic_of(intent_of(topic)) == topic for topic in ("fee_visa", "capabilities", "human_contact"))


def test_every_rule_that_answers_a_question_lists_exactly_the_question_intents() -> None:
    rules = answering_rules()
    assert len(rules) == 3, f"expected the three answering rules (anywhere, intake, path finder), found {list(rules)}"
    for name, intents in rules.items():
        missing, extra = question_intents() - intents, intents - question_intents()
        assert (missing, extra) == (set(), set()), f"rule {name!r}: missing {sorted(missing)}, extra {sorted(extra)}"


def test_the_domain_declares_the_question_intents_and_no_other_ask_intent() -> None:
    declared = {intent if isinstance(intent, str) else next(iter(intent)) for intent in read("domain.yml")["intents"]}
    assert question_intents() <= declared
    assert {intent for intent in declared if intent.startswith("ask_")} - question_intents() == OTHER_ASK_INTENTS


def test_every_question_intent_has_a_button_title_and_test_stories_in_both_languages() -> None:
    assert question_intents() <= set(all_titles())
    languages: dict[str, set[str]] = {intent: set() for intent in question_intents()}
    for story in read("tests/stories/test_topics.yml")["stories"]:
        for step in story["steps"]:
            languages.setdefault(step.get("intent", ""), set()).add(story["story"].split()[0])
    assert {intent for intent in question_intents() if not {"German", "English"} <= languages[intent]} == set()


def test_the_actions_read_the_same_list() -> None:
    from actions.answers import SUBSTANTIVE_EXTRA, substantive_intents
    from actions.answers import topic_of as topic_of_in_actions

    assert substantive_intents() == (question_intents() - {"help", "request_human"}) | SUBSTANTIVE_EXTRA
    assert all(topic_of_in_actions(intent) == topic_of(intent) for intent in question_intents())
