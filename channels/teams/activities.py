"""Reading incoming Bot Framework activities: user text, conversation key, language, reference."""

import hashlib
import re
from typing import Any, Dict, Optional

from bot.language import language_from_tag

AT_TAG = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
SPACES = re.compile(r"\s+")
THREAD_MARKER = ";messageid="


def user_text(activity: Dict[str, Any]) -> Optional[str]:
    """The text to hand to NLU: a card submit's payload, or the typed text without bot mentions."""
    value = activity.get("value")
    if isinstance(value, dict) and isinstance(value.get("payload"), str) and value["payload"].strip():
        return value["payload"].strip()
    text = _without_bot_mentions(activity)
    return text or None


def _without_bot_mentions(activity: Dict[str, Any]) -> str:
    text = activity.get("text") or ""
    bot_id = (activity.get("recipient") or {}).get("id")
    for entity in activity.get("entities") or []:
        mentioned = entity.get("mentioned") or {}
        if entity.get("type") == "mention" and mentioned.get("id") == bot_id and entity.get("text"):
            text = text.replace(entity["text"], " ")
    text = AT_TAG.sub(r"\1", text)  # other people's mentions keep their names
    return SPACES.sub(" ", text).strip()


def delivery_key(activity: Dict[str, Any]) -> Optional[str]:
    """What identifies a delivery for the redelivery check. Teams' message ids are the message's
    time in milliseconds, unique only within a conversation, so the conversation is part of it."""
    if not activity.get("id"):
        return None
    return f"{(activity.get('conversation') or {}).get('id', '')}|{activity['id']}"


def conversation_key(activity: Dict[str, Any]) -> str:
    """Rasa's sender_id, so that each place of conversation has its own tracker.

    - personal (1:1) chat: the conversation id — it is unique to the user and the bot;
    - group chat: conversation id + user, so two colleagues never fill one intake form together;
    - channel: channel + thread (root message id) + user, so every thread starts afresh and
      the same user in two threads, or two users in one thread, don't share a tracker.
    The parts are hashed: the key is stable, short and carries no Teams ids into logs.
    """
    conversation = activity.get("conversation") or {}
    conversation_id = conversation.get("id", "")
    kind = conversation.get("conversationType") or "personal"
    sender = activity.get("from") or {}
    user = sender.get("aadObjectId") or sender.get("id", "")
    if kind == "personal":
        parts = [conversation_id]
    elif kind == "channel":
        channel, _, thread = conversation_id.partition(THREAD_MARKER)
        parts = [channel, thread or activity.get("replyToId") or activity.get("id", ""), user]
    else:
        parts = [conversation_id, user]
    digest = hashlib.sha256("|".join([kind, *parts]).encode("utf-8")).hexdigest()[:32]
    return f"msteams-{digest}"


def message_metadata(activity: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    metadata: Dict[str, Any] = {}
    language = language_from_tag(activity.get("locale"))
    if language:
        metadata["language"] = language
    if isinstance(activity.get("value"), dict):
        metadata["card_value"] = activity["value"]
    return metadata or None


def conversation_reference(activity: Dict[str, Any]) -> Dict[str, Any]:
    """What is needed to write into this conversation later (no names, no message content)."""
    conversation = activity.get("conversation") or {}
    sender = activity.get("from") or {}
    return {
        "service_url": activity["serviceUrl"],
        "channel_id": activity.get("channelId"),
        "conversation": {
            key: conversation[key] for key in ("id", "conversationType", "tenantId") if key in conversation
        },
        "bot": {"id": (activity.get("recipient") or {}).get("id")},
        "user": {key: sender[key] for key in ("id", "aadObjectId") if key in sender},
        "locale": activity.get("locale"),
    }
