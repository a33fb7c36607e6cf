"""Answer feedback (👍 / 👎 and one optional line), taken by the channel itself: the widget sends
`/feedback{"value": "down", "topic": …, "language": …, "knowledge_version": …, "text": …}`, Teams an
Adaptive Card submit with the same fields. It never reaches Rasa — no NLU, no dialogue turn, and the
line is not kept in the conversation — and goes to the backend as a `feedback` fact (insights/facts.py)
after the text scrubber (bot/text_scrubber.py); a line in doubt is dropped, the vote is kept."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from typing import Any, Dict, Optional

from bot.text_scrubber import scrub
from conversation_store.scrubbing import pseudonym
from insights.facts import Fact, Origin, channel_of, code, language_of, make_fact, persona_of_channel
from insights.poster import FactPoster

logger = logging.getLogger(__name__)
PREFIX = "/feedback"
VALUES = frozenset({"up", "down"})
MAX_LINE = 300
_poster: Optional[FactPoster] = None


@dataclass(frozen=True)
class Feedback:
    value: str
    topic: str
    language: str
    knowledge_version: Optional[str]
    line: Optional[str]


def is_feedback(message: str) -> bool:
    return message.startswith(PREFIX)


def read_payload(message: str) -> Optional[Feedback]:
    """The feedback of a `/feedback{…}` message, or None when it is not well-formed."""
    try:
        fields = json.loads(message[len(PREFIX) :])
    except ValueError:
        return None
    return read_fields(fields) if isinstance(fields, dict) else None


def read_fields(fields: Dict[str, Any]) -> Optional[Feedback]:
    topic, line = code(fields.get("topic")), fields.get("text")
    if fields.get("value") not in VALUES or topic is None:
        return None
    if line is not None and not isinstance(line, str):
        return None
    return Feedback(
        value=str(fields["value"]),
        topic=topic,
        language=language_of(fields.get("language")),
        knowledge_version=code(fields.get("knowledge_version")),
        line=scrub(line[:MAX_LINE]) if line and fields["value"] == "down" else None,
    )


def feedback_fact(feedback: Feedback, sender_id: str, input_channel: str, secret: bytes) -> Fact:
    """The sender is pseudonymised as the event broker does, so the fact hashes like the stream's facts."""
    channel = channel_of(input_channel)
    origin = Origin(pseudonym(sender_id, secret), time.time(), channel, feedback.language, persona_of_channel(channel))
    return make_fact(
        origin,
        "feedback",
        secret,
        topic=feedback.topic,
        value=feedback.value,
        text=feedback.line,
        knowledge_version=feedback.knowledge_version,
    )


async def record(feedback: Feedback, sender_id: str, input_channel: str) -> bool:
    """Posts the feedback fact; False (logged, without content) when it could not be stored."""
    global _poster
    secret = os.environ.get("LOTSE_INSIGHTS_SECRET", "").encode("utf-8")
    if not secret:
        logger.warning("feedback not recorded: LOTSE_INSIGHTS_SECRET is not set")
        return False
    _poster = _poster or FactPoster.from_env()
    posted = await _poster.post([feedback_fact(feedback, sender_id, input_channel, secret)])
    return posted.ok
