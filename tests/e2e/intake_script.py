"""Answers for a whole intake, as an employer would type or click them."""

from __future__ import annotations

from typing import Sequence

from conftest import Conversation

CARPENTER_IN_GARBSEN_DE = (
    "Ich möchte einen Fall zur Vorprüfung anmelden",
    "Tischlerei Sonnenschein GmbH",
    "Handwerk",
    "Garbsn",
    "Tischler",
    '/inform{"choice": "vocational"}',
    '/inform{"choice": "not_started"}',
    "52.000 € brutto im Jahr",
    "/deny",
    "/deny",
    "Tunesien",
    "Tunesien",
    "1. März 2027",
    "2",
    "Garbsen",
    "Anna Sonnenschein",
    "personal@tischlerei-sonnenschein.de",
    "0511 123456",
)

IT_COMPANY_IN_HANNOVER_EN = (
    "I want to register a case for a pre-check",
    "Nordlicht Software AG",
    '/inform{"business_type": "industry_trade"}',
    "Hannover",
    "software developer",
    '/inform{"choice": "university"}',
    '/inform{"choice": "yes"}',
    "€65,000 per year",
    "/affirm",
    "/deny",
    "India",
    "India",
    "next month",
    "none",
    "Hannover",
    "Jonas Berg",
    "jobs@nordlicht-software.de",
    '/inform{"choice": "skip"}',
)


def run_intake(conversation: Conversation, answers: Sequence[str]) -> str:
    """Sends every answer and returns the last reply (the summary with the consent question)."""
    reply = ""
    for answer in answers:
        reply = conversation.say_text(answer)
        assert reply, f"no reply to {answer!r}"
    return reply
