"""The question intents: the intents `action_answer_topic` answers from the knowledge file.

One source: the topics of `bot/knowledge/answers.yml` (a topic id is its intent without "ask_"; two
topics answer intents of other names). Rasa cannot read this module, so the rules in
`stories/rules.yml` that answer questions list the intents themselves; `tests/bot/test_question_intents.py`
checks that they, the domain and the button titles agree with it."""

from __future__ import annotations

from bot.answers import templates

INTENT_OF_TOPIC = {"capabilities": "help", "human_contact": "request_human"}
TOPIC_OF_INTENT = {intent: topic for topic, intent in INTENT_OF_TOPIC.items()}


def intent_of(topic: str) -> str:
    return INTENT_OF_TOPIC.get(topic) or f"ask_{topic}"


def topic_of(intent: str) -> str:
    return TOPIC_OF_INTENT.get(intent) or intent.removeprefix("ask_")


def question_intents() -> frozenset[str]:
    """Every intent answered from the knowledge file, `help` and `request_human` included."""
    return frozenset(intent_of(topic) for topic in templates().topics)
