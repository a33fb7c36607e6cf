"""What the actions tell conversation insights (issue 17): each answer's `insight` metadata (topic and
answered / clarified / fell back, the unanswered line scrubbed) and the feedback offer under factual answers."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswerTopic, ActionHandleFallback
from actions.insights import pathfinder_insight
from bot.knowledge import knowledge
from bot.texts import text
from bot.pathfinder import Finding, Message, PathResult
from trackers import tracker_with, user_event


async def test_a_factual_answer_says_answered_and_offers_feedback_with_the_knowledge_version() -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with([user_event("Was kostet das Verfahren?", "ask_fee_procedure")], slots={"language": "de"})
    await ActionAnswerTopic().run(dispatcher, tracker, {})
    [answer] = [m for m in dispatcher.messages if m.get("insight")]
    assert answer["insight"] == {"kind": "topic_asked", "topic": "fee_procedure", "result": "answered"}
    assert answer["custom"] == {
        "feedback": {"topic": "fee_procedure", "language": "de", "knowledge_version": knowledge().version}
    }


async def test_a_clarification_says_clarified_and_keeps_the_message_only_scrubbed() -> None:
    dispatcher = CollectingDispatcher()
    event = user_event("blorf, mail an x@example.org", "nlu_fallback")
    event["parse_data"]["intent_ranking"] = [{"name": "ask_fee_visa", "confidence": 0.3}]
    await ActionHandleFallback().run(dispatcher, tracker_with([event], slots={"language": "en"}), {})
    [clarify] = dispatcher.messages
    first_offered = clarify["buttons"][0]["payload"].removeprefix("/ask_")
    assert clarify["insight"] == {
        "kind": "topic_asked", "topic": first_offered, "result": "clarified", "text": "blorf, mail an [e-mail]",
    }  # fmt: skip
    assert not clarify["custom"]  # no feedback on a question back


async def test_the_second_fallback_says_fell_back_and_drops_a_line_that_may_name_someone() -> None:
    dispatcher = CollectingDispatcher()
    clarified = {"event": "bot", "text": text("clarify", "de")}
    events = [user_event("blorf", "nlu_fallback"), clarified, user_event("Herr Kowalski fragt", "nlu_fallback")]
    await ActionHandleFallback().run(dispatcher, tracker_with(events, slots={"language": "de"}), {})
    [human] = dispatcher.messages
    assert human["insight"] == {"kind": "topic_asked", "topic": "unknown", "result": "fallback"}
    assert not human["custom"]


def test_the_path_finder_outcome_is_the_first_title_or_no_prospect_with_its_rule() -> None:
    def path(titles: tuple[str, ...], no_prospect: tuple[str, ...] = (), ruled_out: tuple[str, ...] = ()) -> PathResult:
        def findings(rules: tuple[str, ...]) -> tuple[Finding, ...]:
            return tuple(Finding(rule, Message(rule)) for rule in rules)

        return PathResult(titles, bool(titles), (), (), findings(ruled_out), findings(no_prospect))

    assert pathfinder_insight(path(("blue_card", "skilled_academic"))) == {
        "kind": "pathfinder_outcome", "outcome": "blue_card",
    }  # fmt: skip
    assert pathfinder_insight(path(("skilled_vocational",), no_prospect=("no_recognition",))) == {
        "kind": "pathfinder_outcome", "outcome": "no_prospect", "reason": "no_recognition",
    }  # fmt: skip
    assert pathfinder_insight(path((), ruled_out=("salary_below_threshold",)))["reason"] == "salary_below_threshold"
    assert pathfinder_insight(path(())) == {"kind": "pathfinder_outcome", "outcome": "no_prospect"}
