"""What of a Rasa event may leave the conversation store for analytics: its kind and shape, never
what a person typed or was told. Intents, entity names, actions, slot names, language and channel
stay; texts, entity values, personal slot values and channel metadata become markers.

Everything not named here is dropped, so an event type or slot added later leaks nothing."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any, Callable, Dict, List, Optional

REMOVED = "[removed]"

# Slots whose values are categories or counters, never what a person typed about themselves.
NON_PERSONAL_SLOTS = frozenset(
    {
        "language",
        "channel_language",
        "assistant_of_de",
        "assistant_of_en",
        "requested_slot",
        "consent",
        "failed_attempts",
        "pf_position",
        "pf_qualification",
        "pf_recognition",
        "pf_regulated",
        "pf_licence",
        "pf_german_a2",
        "pf_experience",
        "pf_it_years",
        "pf_collective_agreement",
        "pf_age_45",
        "pf_pension",
        "pf_abroad",
        "pf_no_prospect",
    }
)
KEPT_METADATA = frozenset({"language", "utter_action"})
# A bot message's `insight` (actions/insights.py): codes, and a line that already went through the text
# scrubber (bot/text_scrubber.py) in the action; the consumer scrubs it once more. Other fields are dropped.
INSIGHT_CODES = frozenset({"kind", "topic", "result", "outcome", "reason", "question"})
INSIGHT_TEXT_MAX = 300
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,63}$")
KEPT_ENTITY_FIELDS = frozenset({"entity", "role", "group", "extractor"})
KEPT_PREDICTION_FIELDS = frozenset({"name", "confidence"})
KEPT_DETECTION_FIELDS = frozenset({"language", "confidence", "foreign_language"})
LANGUAGE_DETECTION = "language_detection"  # bot.language.LANGUAGE_DETECTION; this shell imports no bot code

_COMMON_FIELDS = ("event", "timestamp", "metadata")
_FIELDS_BY_TYPE: Dict[str, tuple] = {
    "user": ("text", "parse_data", "input_channel", "message_id"),
    "bot": ("text",),
    "agent": ("text",),
    "action": ("name", "policy", "confidence", "action_text", "hide_rule_turn"),
    "slot": ("name", "value"),
    "active_loop": ("name",),
    "loop_interrupted": ("is_interrupted",),
    "action_execution_rejected": ("name", "policy", "confidence"),
    "followup": ("name",),
    "reminder": ("name", "intent", "entities", "date_time", "kill_on_user_msg"),
    "cancel_reminder": ("name", "intent", "entities", "date_time"),
    "entities": ("entities",),
    "user_featurization": ("use_text_for_featurization",),
    "session_started": (),
    "restart": (),
    "reset_slots": (),
    "pause": (),
    "resume": (),
    "rewind": (),
    "undo": (),
    "export": (),
}


def scrub_event(event: Dict[str, Any], sender_key: bytes) -> Dict[str, Any]:
    """The event as Rasa publishes it (`sender_id` + `Event.as_dict()`), without personal data.

    The sender id (a phone number on WhatsApp) becomes a keyed pseudonym, so a consumer can still
    group one conversation's events."""
    fields = _COMMON_FIELDS + _FIELDS_BY_TYPE.get(str(event.get("event")), ())
    scrubbed = {field: _scrub_field(field, event[field], event) for field in fields if field in event}
    if "sender_id" in event:
        scrubbed["sender_id"] = pseudonym(str(event["sender_id"]), sender_key)
    return scrubbed


def pseudonym(sender_id: str, key: bytes) -> str:
    return hmac.new(key, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()


def _scrub_field(field: str, value: Any, event: Dict[str, Any]) -> Any:
    if field == "value" and event.get("name") in NON_PERSONAL_SLOTS:
        return value
    scrubber = _SCRUBBERS.get(field)
    return scrubber(value) if scrubber else value


def _marker(value: Any) -> Any:
    return None if value is None else REMOVED


def _metadata(metadata: Any) -> Dict[str, Any]:
    if not isinstance(metadata, dict):
        return {}
    kept = {key: metadata[key] for key in KEPT_METADATA if key in metadata}
    if isinstance(metadata.get("insight"), dict):
        kept["insight"] = _insight(metadata["insight"])
    return kept


def _insight(insight: Dict[str, Any]) -> Dict[str, Any]:
    kept = {
        key: value
        for key, value in insight.items()
        if key in INSIGHT_CODES and isinstance(value, str) and _CODE.match(value)
    }
    text = insight.get("text")
    if isinstance(text, str) and 0 < len(text) <= INSIGHT_TEXT_MAX:
        kept["text"] = text
    return kept


def _entities(entities: Any) -> List[Dict[str, Any]]:
    if not isinstance(entities, list):
        return []
    return [
        {**{key: entity[key] for key in KEPT_ENTITY_FIELDS if key in entity}, "value": REMOVED}
        for entity in entities
        if isinstance(entity, dict)
    ]


def _prediction(prediction: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(prediction, dict):
        return None
    return {key: prediction[key] for key in KEPT_PREDICTION_FIELDS if key in prediction}


def _language_detection(detection: Any) -> Dict[str, Any]:
    if not isinstance(detection, dict):
        return {}
    return {key: detection[key] for key in KEPT_DETECTION_FIELDS if key in detection}


def _parse_data(parse_data: Any) -> Dict[str, Any]:
    if not isinstance(parse_data, dict):
        return {}
    scrubbed: Dict[str, Any] = {
        "intent": _prediction(parse_data.get("intent")),
        "entities": _entities(parse_data.get("entities")),
        "intent_ranking": [_prediction(ranked) for ranked in parse_data.get("intent_ranking") or []],
    }
    if LANGUAGE_DETECTION in parse_data:
        scrubbed[LANGUAGE_DETECTION] = _language_detection(parse_data[LANGUAGE_DETECTION])
    return scrubbed


_SCRUBBERS: Dict[str, Callable[[Any], Any]] = {
    "text": _marker,
    "action_text": _marker,
    "value": _marker,
    "metadata": _metadata,
    "parse_data": _parse_data,
    "entities": _entities,
}
