"""The facts the backend stores (docs/contracts.md, POST /api/v1/insights/facts): what happened in a
conversation, never what was said in it. The conversation id becomes a keyed hash whose key changes
every day, so one day's facts cannot be joined to another day's or back to the sender."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Optional

KINDS = frozenset(
    {
        "conversation_started",
        "topic_asked",
        "pathfinder_outcome",
        "intake_started",
        "intake_abandoned",
        "intake_completed",
        "human_requested",
        "feedback",
        "unanswered",
    }
)
CHANNELS = {"rest": "rest", "botframework": "teams", "whatsapp": "whatsapp", "telegram": "telegram"}
CANDIDATE_CHANNELS = frozenset({"whatsapp", "telegram"})
EMPLOYER_CHANNELS = frozenset({"rest", "teams"})
LANGUAGES = frozenset({"de", "en"})
RESULTS = frozenset({"answered", "clarified", "fallback"})
MAX_CODE = 64
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,63}$")  # as the backend reads codes (docs/contracts.md)
UNKNOWN = "unknown"
MAX_TEXT = 300


@dataclass(frozen=True)
class Fact:
    id: str
    kind: str
    day: str
    conversation: str
    channel: str
    language: str
    persona: str
    topic: Optional[str] = None
    result: Optional[str] = None
    outcome: Optional[str] = None
    reason: Optional[str] = None
    question: Optional[str] = None
    value: Optional[str] = None
    text: Optional[str] = None
    knowledge_version: Optional[str] = None

    def as_json(self) -> Dict[str, Any]:
        """Only the keys that apply to the kind."""
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class Origin:
    """Where a fact comes from: the conversation (as the event stream names it) and the moment."""

    sender: str
    timestamp: float
    channel: str = "other"
    language: str = "other"
    persona: str = "unknown"


def day_of(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).date().isoformat()


def conversation_hash(sender: str, day: str, secret: bytes) -> str:
    """A keyed hash of the sender whose key is the secret and the day: stable within a day only."""
    daily_key = hmac.new(secret, day.encode("ascii"), hashlib.sha256).digest()
    return hmac.new(daily_key, sender.encode("utf-8"), hashlib.sha256).hexdigest()[:MAX_CODE]


def fact_id(sender: str, timestamp: float, kind: str, secret: bytes) -> str:
    """The idempotency key: the same event mapped twice (a replay after a restart) gives the same id."""
    material = f"{sender}|{timestamp!r}|{kind}".encode("utf-8")
    return hmac.new(secret, material, hashlib.sha256).hexdigest()[:MAX_CODE]


def channel_of(input_channel: Optional[str]) -> str:
    return CHANNELS.get(str(input_channel or ""), "other")


def language_of(language: Any) -> str:
    return language if language in LANGUAGES else "other"


def persona_of_channel(channel: str) -> str:
    if channel in CANDIDATE_CHANNELS:
        return "candidate"
    return "employer" if channel in EMPLOYER_CHANNELS else "unknown"


def code(value: Any) -> Optional[str]:
    """A short machine code (topic, slot, rule) or None: anything else is not a code and is not kept."""
    return value if isinstance(value, str) and CODE.match(value) else None


def make_fact(origin: Origin, kind: str, secret: bytes, **fields: Optional[str]) -> Fact:
    day = day_of(origin.timestamp)
    return Fact(
        id=fact_id(origin.sender, origin.timestamp, kind, secret),
        kind=kind,
        day=day,
        conversation=conversation_hash(origin.sender, day, secret),
        channel=origin.channel,
        language=origin.language,
        persona=origin.persona,
        **fields,
    )
