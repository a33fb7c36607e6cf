"""Is this message the answer to the form's question, or a question (or request) in between?

The one place that decides it, for the intake, the path finder and the status form. The inputs are
what the message says (`Said`: its text and the intent the NLU heard, with its confidence) and
whether the slot's reader found an answer in the text (`readable`):

1. A confident question or request in between (`INTERJECTIONS` or a question intent, confidence at
   least `INTERJECTION_CONFIDENCE`) is a QUESTION, unless the text also reads as the answer and is
   not itself a question: "60.000 Euro brutto" answers the salary question even when the NLU hears
   the salary-threshold topic in it, "60.000 Euro?" does not. For a slot that takes any text
   (`any_text`, e.g. the company name) a reading proves nothing, so the confident question wins.
2. Otherwise a readable text is the ANSWER ("38" to "45 or older?", "nein, sie ist 38").
3. An unreadable text the NLU hears as a question, without confidence, is a PROBABLE_QUESTION.
4. Anything else is UNREADABLE: meant as the answer, but not readable (a failed attempt).

What a form does with the result is its own business: the intake and the path finder leave the
slot alone for both kinds of question (the rules answer it, then the form asks again); the status
form, where no rule answers questions in between, treats a probable question as a failed attempt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum

from bot.question_intents import question_intents

# Requests that interrupt a form when the model is confident, besides the question intents.
INTERJECTIONS = frozenset(
    {
        "stop",
        "request_human",
        "help",
        "switch_language",
        "bot_challenge",
        "out_of_scope",
        "delete_my_data",
        "ask_status",
        "start_pathfinder",
    }
)
INTERJECTION_CONFIDENCE = float(os.environ.get("LOTSE_INTERJECTION_CONFIDENCE", "0.9"))


class Kind(Enum):
    ANSWER = "answer"
    QUESTION = "question"
    PROBABLE_QUESTION = "probable question"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Said:
    text: str
    intent: str
    confidence: float


def answer_or_question(
    said: Said, readable: bool, any_text: bool = False, form_intents: frozenset[str] = frozenset()
) -> Kind:
    """What the message is to a form asking a question; `form_intents` are the form's own intents
    (e.g. `ask_status` inside the status form), never a question in between."""
    sounds_like_question = said.intent not in form_intents and (
        said.intent in INTERJECTIONS or said.intent in question_intents()
    )
    proves_the_answer = readable and not any_text
    if sounds_like_question and said.confidence >= INTERJECTION_CONFIDENCE:
        if not proves_the_answer or said.text.rstrip().endswith("?"):
            return Kind.QUESTION
    if readable:
        return Kind.ANSWER
    return Kind.PROBABLE_QUESTION if sounds_like_question else Kind.UNREADABLE
