"""The fallback's retrieval over the answer topics' questions."""

from bot.understanding.retrieval import Bm25Index, Hit, decide, fused, other_question_intent, plain_text, topic_index

EXAMPLES = [
    ("What does the visa cost?", "ask_fee_visa"),
    ("visa fee at the embassy", "ask_fee_visa"),
    ("How long does the whole procedure take?", "ask_duration_total"),
    ("Wie lange dauert das Verfahren insgesamt?", "ask_duration_total"),
    ("Who recognises the qualification of a nurse?", "ask_recognition_body"),
]
SUBSTANTIVE = {"ask_fee_visa", "ask_duration_total", "ask_recognition_body", "start_intake"}
ANSWERABLE = SUBSTANTIVE - {"start_intake"}


def test_annotations_are_stripped() -> None:
    assert plain_text('in [Garbsen](municipality) und [Deutsch]{"entity": "language"}') == "in Garbsen und Deutsch"


def test_bm25_ranks_the_closest_topic_first_and_tolerates_umlauts_and_endings() -> None:
    index = Bm25Index(EXAMPLES)
    assert index.rank("how much is the visa fee", 1)[0].intent == "ask_fee_visa"
    assert index.rank("wie lang dauert das verfahren", 1)[0].intent == "ask_duration_total"
    assert index.rank("blorf", 3) == []


def test_a_clear_hit_answers_and_a_weak_one_offers_buttons_from_both_rankings() -> None:
    clear = [Hit("ask_fee_visa", 0.8), Hit("ask_duration_total", 0.2)]
    assert decide(clear, [], SUBSTANTIVE, ANSWERABLE).answer == "ask_fee_visa"
    weak = [Hit("ask_fee_visa", 0.4), Hit("ask_duration_total", 0.35)]
    decision = decide(weak, ["greet", "ask_recognition_body", "out_of_scope"], SUBSTANTIVE, ANSWERABLE)
    assert decision.answer is None
    assert decision.options == ("ask_fee_visa", "ask_recognition_body", "ask_duration_total")


def test_agreement_with_the_nlu_answers() -> None:
    weak = [Hit("ask_duration_total", 0.4), Hit("ask_fee_visa", 0.35)]
    assert decide(weak, ["ask_duration_total"], SUBSTANTIVE, ANSWERABLE).answer == "ask_duration_total"


def test_a_confident_hit_on_a_non_topic_intent_is_not_answered() -> None:
    assert decide([Hit("greet", 0.9)], [], SUBSTANTIVE, ANSWERABLE).answer is None
    assert decide([Hit("start_intake", 0.9)], [], SUBSTANTIVE, ANSWERABLE).options == ("start_intake",)


def test_greetings_and_something_else_are_never_offered() -> None:
    decision = decide([], ["greet", "out_of_scope", "goodbye", "start_intake"], SUBSTANTIVE, ANSWERABLE)
    assert decision.options == ("start_intake",)


def test_a_second_question_gets_its_own_topic() -> None:
    index = Bm25Index(EXAMPLES)
    questions = ("What does the visa cost?", "How long does the whole procedure take?")
    assert other_question_intent(questions, "ask_fee_visa", ANSWERABLE, index) == "ask_duration_total"
    assert other_question_intent(questions[:1], "ask_fee_visa", ANSWERABLE, index) is None


def test_the_index_covers_the_answer_topics_and_is_built_once() -> None:
    assert topic_index() is topic_index()
    assert topic_index().rank("Wer ist für die Anerkennung eines Tischlers zuständig?", 1)[0].intent.startswith("ask_")


def test_an_unclear_answer_topic_is_still_named_as_the_closest() -> None:
    weak = [Hit("ask_fee_visa", 0.4), Hit("ask_duration_total", 0.38)]
    assert decide(weak, [], SUBSTANTIVE, ANSWERABLE).closest == "ask_fee_visa"
    assert decide([Hit("greet", 0.4), Hit("ask_fee_visa", 0.38)], [], SUBSTANTIVE, ANSWERABLE).closest is None


def test_an_answer_topic_close_behind_the_case_check_is_answered() -> None:
    hits = [Hit("start_intake", 0.43), Hit("ask_fee_visa", 0.39), Hit("ask_duration_total", 0.2)]
    assert decide(hits, [], SUBSTANTIVE, ANSWERABLE).closest == "ask_fee_visa"
    far_behind = [Hit("start_intake", 0.6), Hit("ask_fee_visa", 0.3)]
    assert decide(far_behind, [], SUBSTANTIVE, ANSWERABLE).closest is None


def test_the_nlu_reorders_what_retrieval_found_but_adds_nothing() -> None:
    hits = [Hit("ask_candidate_costs", 0.32), Hit("ask_costs_overview", 0.29), Hit("ask_steps", 0.28)]
    nlu = {"ask_costs_overview": 0.3, "ask_fee_procedure": 0.34, "ask_candidate_costs": 0.02}
    assert [hit.intent for hit in fused(hits, nlu)] == ["ask_costs_overview", "ask_candidate_costs", "ask_steps"]
    topics = {"ask_candidate_costs", "ask_costs_overview", "ask_steps", "ask_fee_procedure"}
    assert decide(hits, list(nlu), topics, topics, nlu).closest == "ask_costs_overview"
    assert decide(hits, list(nlu), topics, topics).closest == "ask_candidate_costs"
