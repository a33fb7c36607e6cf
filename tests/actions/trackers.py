"""Real rasa-sdk trackers for action tests."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from bot.language import LANGUAGE_DETECTION, detect


def user_event(
    text: str, intent: str, entities: Optional[List[dict]] = None, metadata: Optional[dict] = None
) -> Dict[str, Any]:
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "metadata": metadata or {},
        LANGUAGE_DETECTION: detect(text).as_dict(),
    }
    return {"event": "user", "text": text, "parse_data": parse_data, "metadata": metadata or {}}


def tracker_with(
    events: List[Dict[str, Any]], slots: Optional[Dict[str, Any]] = None, active_loop: Optional[str] = None
) -> Tracker:
    latest = next((e["parse_data"] for e in reversed(events) if e["event"] == "user"), {})
    return Tracker(
        sender_id="test-sender",
        slots=slots or {},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name=None,
    )
