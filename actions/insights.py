"""What an action tells conversation insights (insights/mapping.py) about its answer: an `insight`
in the bot message's metadata, which the scrubbing event broker keeps (codes only, and a line the
text scrubber let through), and the feedback offer the widget and Teams show under a factual answer."""

from __future__ import annotations

from typing import Any, Dict, Optional

from bot.knowledge import knowledge
from bot.pathfinder import PathResult
from bot.text_scrubber import scrub

NO_PROSPECT = "no_prospect"
NO_FEEDBACK_TOPICS = frozenset({"capabilities", "human_contact"})


def topic_insight(topic: str, result: str, message: Optional[str] = None) -> Dict[str, Any]:
    """`insight=` for utter_message: the topic asked and whether it was answered, clarified or fell back;
    when not answered, the message as the text scrubber leaves it (or nothing when in doubt)."""
    insight: Dict[str, Any] = {"kind": "topic_asked", "topic": topic, "result": result}
    line = scrub(message) if result != "answered" else None
    return {**insight, "text": line} if line else insight


def pathfinder_insight(path: PathResult) -> Dict[str, Any]:
    """The path finder's outcome: the first title that fits, or no prospect with the first rule against it."""
    if path.titles and not path.no_prospect:
        return {"kind": "pathfinder_outcome", "outcome": path.titles[0]}
    against = path.no_prospect or path.ruled_out
    return {"kind": "pathfinder_outcome", "outcome": NO_PROSPECT, **({"reason": against[0].rule} if against else {})}


def intake_completed_insight() -> Dict[str, Any]:
    return {"kind": "intake_completed"}


def feedback_offer(topic: str, language: str) -> Optional[Dict[str, Any]]:
    """`json_message=` for a factual answer: the channel shows 👍 / 👎 and sends them back with these fields."""
    if topic in NO_FEEDBACK_TOPICS:
        return None
    return {"feedback": {"topic": topic, "language": language, "knowledge_version": knowledge().version}}
