"""The topic cue gate (bot/understanding/topic_cues.py, bot/nlu/topic_cue_gate.py): a listed answer topic
is only taken when the message names its subject, and every training example of it does."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.topic_cue_gate import TopicCueGate
from bot.understanding.retrieval import TRAINING_FILES, read_examples
from bot.understanding.topic_cues import (
    DEMOTED_SHARE,
    Ranked,
    answers_another_kind,
    cue_table,
    figures_asked,
    names_its_subject,
    rerank,
    top_level_alternatives,
)

WORKER_IN_GERMANY, ELIGIBILITY = "ask_worker_in_germany", "ask_eligibility"


def test_every_training_example_of_a_listed_topic_names_its_subject() -> None:
    listed = set(cue_table())
    missing = [
        (intent, text) for text, intent in read_examples(TRAINING_FILES, listed) if not names_its_subject(intent, text)
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("message", "intent", "named"),
    [
        ("Geht das beschleunigte Verfahren auch für die Blaue Karte?", WORKER_IN_GERMANY, False),
        ("Can we use the fast track for a Blue Card?", WORKER_IN_GERMANY, False),
        ("Sie lebt schon in Garbsen, geht das Verfahren noch?", WORKER_IN_GERMANY, True),
        ("She is already in Germany on a student visa.", WORKER_IN_GERMANY, True),
        ("Was kostet das Verfahren?", "ask_fee_procedure", True),  # not listed: always named
        ("Muss der Arbeiter etwas unterschreiben?", "ask_age_rule", False),
        ("Unsere Pflegekraft ist 52.", "ask_age_rule", True),
        ("The BA refused approval, what now?", "ask_refusal_remedy", True),
        ("Is the pre-approval the same as a visa?", "ask_refusal_remedy", False),
        ("Ueber 45 - gilt die Regel?", "ask_age_rule", True),  # umlauts written as ue
        ("Die Vorabzustimung wurde abgelhent, was nun?", "ask_refusal_remedy", True),  # letters swapped
        ("bitte den fall anmleden", "start_intake", True),
        ("Can the worker travel with the pre-approval?", "ask_refusal_remedy", False),
    ],
)
def test_a_listed_topic_is_named_only_by_its_cues(message: str, intent: str, named: bool) -> None:
    assert names_its_subject(intent, message) is named


def test_an_unnamed_topic_gives_way_to_the_next_and_keeps_a_tenth_of_its_confidence() -> None:
    ranking = [Ranked(WORKER_IN_GERMANY, 0.7), Ranked(ELIGIBILITY, 0.2), Ranked("greet", 0.1)]
    reranked = rerank("Für welche Aufenthaltszwecke gilt das beschleunigte Verfahren?", ranking)
    assert [entry.name for entry in reranked] == [ELIGIBILITY, "greet", WORKER_IN_GERMANY]
    assert reranked[-1].confidence == pytest.approx(0.7 * DEMOTED_SHARE)


def test_a_request_to_register_a_case_read_as_the_path_finder_is_the_intake_once() -> None:
    ranking = [Ranked("start_pathfinder", 0.6), Ranked("start_intake", 0.3), Ranked("request_human", 0.1)]
    reranked = rerank("Let's start the intake for a truck driver from Uzbekistan.", ranking)
    assert [entry.name for entry in reranked] == ["start_intake", "request_human"]
    assert reranked[0].confidence == 0.6


def test_a_button_payload_is_left_alone() -> None:
    ranking = [Ranked(WORKER_IN_GERMANY, 1.0)]
    assert rerank("/ask_worker_in_germany", ranking) == ranking


def test_the_gate_changes_intent_and_ranking_together() -> None:
    message = Message(data={TEXT: "Can we use the fast track for a Blue Card or only for regular work permits?"})
    message.set(INTENT, {"name": WORKER_IN_GERMANY, "confidence": 0.8})
    message.set(
        INTENT_RANKING_KEY,
        [{"name": WORKER_IN_GERMANY, "confidence": 0.8}, {"name": ELIGIBILITY, "confidence": 0.15}],
    )
    TopicCueGate().process([message])
    assert message.get(INTENT) == {"name": ELIGIBILITY, "confidence": 0.15}
    assert [entry["name"] for entry in message.get(INTENT_RANKING_KEY)] == [ELIGIBILITY, WORKER_IN_GERMANY]


@pytest.mark.parametrize(
    ("message", "first"),
    [
        ("My cousin has a Duldung, can we hire him?", "out_of_scope"),  # asylum: its referral, no case check
        ("Wir brauchen Saisonkräfte für die Spargelernte, bitte legen Sie einen Fall an.", "out_of_scope"),
        ("Wir wollen einen Fall für eine Pflegekraft aus der Ukraine anlegen.", "start_intake"),  # may still be a case
    ],
)
def test_a_case_outside_the_procedure_gets_its_referral_not_the_case_check(message: str, first: str) -> None:
    ranking = [Ranked("start_pathfinder", 0.7), Ranked("start_intake", 0.2), Ranked("out_of_scope", 0.1)]
    assert rerank(message, ranking)[0].name == first


def test_a_word_inside_a_group_is_no_cue_alone() -> None:
    assert top_level_alternatives("touris|auf (deutsch|englisch)|x") == ["touris", "auf (deutsch|englisch)", "x"]
    assert not names_its_subject(
        "switch_language", "Die Behörde will übersetzte Zeugnisse. Geht Deutsch oder Englisch?"
    )
    assert names_its_subject("switch_language", "Geht das auch auf Englisch?")
    assert names_its_subject("switch_language", "English please")


def test_no_training_example_asks_for_another_kind_of_figure_than_its_intent_answers() -> None:
    wrong = [
        (intent, text)
        for text, intent in read_examples(TRAINING_FILES)
        if answers_another_kind(intent, figures_asked(text))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("message", "asked"),
    [
        ("Was muss ich an die Behörde zahlen, um das Verfahren zu starten?", {"money"}),
        ("Wie lange braucht die Zentralstelle in Osnabrück für einen Fall?", {"duration"}),
        (
            "We are a startup in Hannover. I keep reading about the fast-track. What does it actually cost us?",
            {"money"},
        ),
        ("How much lead time do I need?", {"duration"}),
        ("Wer zahlt die Gebühr?", set()),  # asks who
        ("Können wir das Verfahren nutzen und was kostet das?", set()),  # asks whether, too
        ("Do we get the fee back if the visa is refused?", set()),
        ("Welche Unterlagen brauchen wir?", set()),
    ],
)
def test_the_figures_a_question_asks_for(message: str, asked: set[str]) -> None:
    assert figures_asked(message) == asked


def test_a_topic_answering_another_kind_gives_way_to_one_answering_the_figure_asked() -> None:
    ranking = [Ranked("ask_responsibility", 0.48), Ranked("ask_fee_procedure", 0.38), Ranked("ask_deadline_ba", 0.1)]
    reranked = rerank("Wie viel kostet der Antrag bei der neuen Zentralstelle in Osnabrück?", ranking)
    assert [entry.name for entry in reranked] == ["ask_fee_procedure", "ask_responsibility", "ask_deadline_ba"]
