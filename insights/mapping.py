"""Scrubbed Rasa events (conversation_store.scrubbing) in, facts out — plain Python, no Rasa.

What each fact comes from:
- conversation_started: a `session_started`, reported at the session's first bot message after a
  user message (then the channel and the language are known);
- topic_asked, unanswered, pathfinder_outcome, intake_completed: the `insight` metadata the actions
  put on the bot message that answered (actions/insights.py), the only place that knows whether a
  message was answered, clarified or fell back;
- intake_started: the intake form becoming active; the question the intake is at: `requested_slot`;
- intake_abandoned: an intake with no completion when its form closes and the next message comes,
  when a new session starts, or when nothing happened in the conversation for `abandon_after`
  seconds (30 minutes: the widget's conversations rarely pause longer mid-intake) — whichever is first;
- human_requested: the `request_human` intent.
Feedback is not in the stream: the channels post it (channels/feedback.py).

The state of each conversation (channel, language, persona, whether a session still awaits its first
answer, the open intake and the question it is at) is kept in memory and, after every delivered batch,
in insights/open_conversations.py: after a restart an intake opened before it is still reported as
abandoned or completed. `changes()` hands over what the store must write."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

from bot.text_scrubber import scrub
from insights.facts import (
    RESULTS,
    UNKNOWN,
    Fact,
    Origin,
    channel_of,
    code,
    language_of,
    make_fact,
    persona_of_channel,
)

INTAKE_FORM = "intake_form"
HUMAN_INTENT = "request_human"
CANDIDATE_INTENT_PREFIXES = ("ask_candidate_", "link_case")
EXTERNAL_INTENT_PREFIX = "EXTERNAL_"  # intents the channels trigger (status notices)
ABANDON_AFTER_SECONDS = 30 * 60
FORGET_AFTER_SECONDS = 24 * 60 * 60


@dataclass
class Intake:
    question: Optional[str] = None
    form_closed: bool = False


@dataclass
class Conversation:
    last_timestamp: float
    channel: str = "other"
    language: str = "other"
    persona: str = "unknown"
    session_pending: bool = False
    heard: bool = False
    intake: Optional[Intake] = None
    facts: List[Fact] = field(default_factory=list)


Changes = Tuple[Dict[str, Conversation], Set[str]]  # conversations changed, conversations forgotten


class EventMapper:
    def __init__(
        self,
        secret: bytes,
        abandon_after: float = ABANDON_AFTER_SECONDS,
        restored: Optional[Dict[str, Conversation]] = None,
    ) -> None:
        self._secret = secret
        self._abandon_after = abandon_after
        self._conversations: Dict[str, Conversation] = dict(restored or {})
        self._changed: Set[str] = set()
        self._forgotten: Set[str] = set()
        self.latest_timestamp = max((c.last_timestamp for c in self._conversations.values()), default=0.0)

    def map(self, event: Dict[str, Any]) -> List[Fact]:
        """The facts one event completes (often none)."""
        sender, timestamp = event.get("sender_id"), event.get("timestamp")
        if not isinstance(sender, str) or not isinstance(timestamp, (int, float)):
            return []
        conversation = self._conversations.get(sender) or Conversation(float(timestamp))
        self._conversations[sender] = conversation
        self._changed.add(sender)
        self._forgotten.discard(sender)
        handler = _HANDLERS.get(str(event.get("event")))
        if handler:
            handler(self, sender, conversation, event)
        conversation.last_timestamp = max(conversation.last_timestamp, float(timestamp))
        self.latest_timestamp = max(self.latest_timestamp, float(timestamp))
        facts, conversation.facts = conversation.facts, []
        return facts

    def expire(self, now: float) -> List[Fact]:
        """Intakes idle for `abandon_after` seconds count as abandoned; long idle conversations are forgotten."""
        facts: List[Fact] = []
        for sender, conversation in list(self._conversations.items()):
            idle = now - conversation.last_timestamp
            if conversation.intake and idle >= self._abandon_after:
                self._abandon(sender, conversation, conversation.last_timestamp, "timeout")
                facts += conversation.facts
                conversation.facts = []
                self._changed.add(sender)
            if idle >= FORGET_AFTER_SECONDS:
                del self._conversations[sender]
                self._changed.discard(sender)
                self._forgotten.add(sender)
        return facts

    def changes(self) -> Changes:
        """The conversations changed and those forgotten since the last call (for the store)."""
        changed = {sender: self._conversations[sender] for sender in self._changed}
        forgotten, self._changed, self._forgotten = self._forgotten, set(), set()
        return changed, forgotten

    @property
    def open_conversations(self) -> int:
        return len(self._conversations)

    def _add(self, sender: str, conversation: Conversation, timestamp: float, kind: str, **fields: Any) -> None:
        origin = Origin(sender, timestamp, conversation.channel, conversation.language, conversation.persona)
        conversation.facts.append(make_fact(origin, kind, self._secret, **fields))

    def _abandon(self, sender: str, conversation: Conversation, timestamp: float, reason: str) -> None:
        if conversation.intake is None:
            return
        question = conversation.intake.question or UNKNOWN  # the backend requires one
        self._add(sender, conversation, timestamp, "intake_abandoned", question=question, reason=reason)
        conversation.intake = None

    def _session_started(self, sender: str, conversation: Conversation, event: Dict[str, Any]) -> None:
        self._abandon(sender, conversation, conversation.last_timestamp, "new_session")
        conversation.session_pending, conversation.heard = True, False

    def _user(self, sender: str, conversation: Conversation, event: Dict[str, Any]) -> None:
        if _is_triggered(event):
            return  # a status notice the channel triggered (EXTERNAL_…): the user said nothing
        timestamp = float(event["timestamp"])
        if conversation.intake and conversation.intake.form_closed:
            self._abandon(sender, conversation, timestamp, "form_closed")
        conversation.channel = channel_of(event.get("input_channel"))
        parse_data = _mapping(event.get("parse_data"))
        language = _message_language(event, parse_data)
        if language != "other":
            conversation.language = language
        intent = str((parse_data.get("intent") or {}).get("name") or "")
        if conversation.persona != "candidate":
            is_candidate = intent.startswith(CANDIDATE_INTENT_PREFIXES)
            conversation.persona = "candidate" if is_candidate else persona_of_channel(conversation.channel)
        conversation.heard = True
        if intent == HUMAN_INTENT:
            self._add(sender, conversation, timestamp, "human_requested")

    def _slot(self, sender: str, conversation: Conversation, event: Dict[str, Any]) -> None:
        name, value = event.get("name"), event.get("value")
        if name == "language" and language_of(value) != "other":
            conversation.language = str(value)
        elif name == "requested_slot" and conversation.intake and not conversation.intake.form_closed:
            conversation.intake.question = code(value) or conversation.intake.question

    def _active_loop(self, sender: str, conversation: Conversation, event: Dict[str, Any]) -> None:
        if event.get("name") == INTAKE_FORM and conversation.intake is None:
            conversation.intake = Intake()
            self._add(sender, conversation, float(event["timestamp"]), "intake_started")
        elif event.get("name") is None and conversation.intake:
            conversation.intake.form_closed = True

    def _bot(self, sender: str, conversation: Conversation, event: Dict[str, Any]) -> None:
        timestamp = float(event["timestamp"])
        if conversation.session_pending and conversation.heard:
            conversation.session_pending = False
            self._add(sender, conversation, timestamp, "conversation_started")
        metadata = _mapping(event.get("metadata"))
        insight = metadata.get("insight")
        if isinstance(insight, dict):
            self._insight(sender, conversation, timestamp, insight)

    def _insight(self, sender: str, conversation: Conversation, timestamp: float, insight: Dict[str, Any]) -> None:
        kind = insight.get("kind")
        if kind == "topic_asked" and insight.get("result") in RESULTS:
            result = str(insight["result"])
            self._add(sender, conversation, timestamp, kind, topic=code(insight.get("topic")) or UNKNOWN, result=result)
            line = scrub(insight.get("text")) if isinstance(insight.get("text"), str) else None
            if result != "answered" and line:
                self._add(sender, conversation, timestamp, "unanswered", text=line)
        elif kind == "pathfinder_outcome" and code(insight.get("outcome")):
            fields = {"outcome": code(insight.get("outcome")), "reason": code(insight.get("reason"))}
            self._add(sender, conversation, timestamp, kind, **fields)
        elif kind == "intake_completed" and conversation.intake:
            self._add(sender, conversation, timestamp, kind)
            conversation.intake = None


def _message_language(event: Dict[str, Any], parse_data: Dict[str, Any]) -> str:
    metadata = _mapping(event.get("metadata"))
    detection = _mapping(parse_data.get("language_detection"))
    return language_of(metadata.get("language") or detection.get("language"))


_HANDLERS = {
    "session_started": EventMapper._session_started,
    "user": EventMapper._user,
    "slot": EventMapper._slot,
    "active_loop": EventMapper._active_loop,
    "bot": EventMapper._bot,
}


def _mapping(value: Any) -> Dict[str, Any]:
    """An event's field that should be an object, or an empty one (the stream is not ours to trust)."""
    return value if isinstance(value, dict) else {}


def _is_triggered(event: Dict[str, Any]) -> bool:
    """An external event (Rasa's `trigger_intent`), recognised by the intent's name: the scrubbed
    events keep it, not the `is_external` metadata."""
    intent = _mapping(_mapping(event.get("parse_data")).get("intent"))
    return str(intent.get("name") or "").startswith(EXTERNAL_INTENT_PREFIX)
