"""No dead ends in the dialogue: after two misunderstood answers the assistant explains the question
with an example instead of asking it a third time, and a plain "yes" or "no" outside a question
goes somewhere (it takes the offer just made, or asks what the person needs, or closes politely)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from bot.texts import all_texts, text

FAILURES_BEFORE_HELP = 2
LANGUAGES = ("de", "en")


def prompt_key(slot: str, question_key: str, failures: float) -> str:
    """The question, or after two misunderstood answers (and every second one after that) its
    explanation with an example (`help_<slot>`), so no prompt comes three times in a row."""
    explained = f"help_{slot}"
    if failures >= FAILURES_BEFORE_HELP and int(failures) % 2 == 0 and explained in all_texts():
        return explained
    return question_key


def names_the_problem(failures: float) -> bool:
    """Whether a misunderstood answer gets the message on what was wrong with it; when the
    explanation with an example follows (every second failure), that says it all."""
    return int(failures) % 2 == 1


# --- a "yes" or "no" outside a question

# What the assistant said last that makes "no" a goodbye rather than one more "anything else?".
ANYTHING_ELSE_RESPONSES = frozenset({"utter_anything_else", "utter_thank"})
ANYTHING_ELSE_MESSAGES = ("what_can_i_do", "anything_else_closing")


@dataclass(frozen=True)
class YesNoReply:
    """What to do with a stray "yes" or "no": take an offer (the payload of its button), or say a message."""

    payload: Optional[str] = None
    message_key: Optional[str] = None
    response: Optional[str] = None  # a domain response, for the "anything else?" question


def _said(key: str, last_text: str) -> bool:
    return any(text(key, language).strip() in last_text for language in LANGUAGES)


def offer_taken_by_yes(last_text: str) -> Optional[str]:
    """The payload a "yes" stands for after one of the assistant's offers ("Would you like to
    register the case now?" → /start_intake): messages.yml marks an offer with `on_yes`."""
    if not last_text:
        return None
    for key, entry in all_texts().items():
        if entry.get("on_yes") and _said(key, last_text):
            return str(entry["on_yes"])
    return None


def reply_to_yes_no(
    answer: str, last_text: str, last_response: Optional[str], offered: Sequence[str] = ()
) -> YesNoReply:
    """ "yes" after an offer takes it (a marked offer, or the one button the last message offered: "If you
    like, I can check your case" [Check my case]); "yes" after anything else asks what, with the main
    options; "no" after "anything else?" closes politely; any other "no" asks whether there is anything else."""
    if answer == "yes":
        offer = offer_taken_by_yes(last_text) or (offered[0] if len(offered) == 1 else None)
        return YesNoReply(payload=offer) if offer else YesNoReply(message_key="what_can_i_do")
    after_anything_else = last_response in ANYTHING_ELSE_RESPONSES or any(
        _said(key, last_text) for key in ANYTHING_ELSE_MESSAGES
    )
    return (
        YesNoReply(message_key="anything_else_closing")
        if after_anything_else
        else YesNoReply(response="utter_anything_else")
    )
