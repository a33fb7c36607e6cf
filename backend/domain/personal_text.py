"""The backend's last check on free text from the bot (already scrubbed there): a line that still
looks like it holds an e-mail address, a phone number or a web address is dropped, not repaired."""

import re

EMAIL = re.compile(r"[^\s@]+\s*(?:@|\(at\)|\[at\])\s*[^\s@]+\.[a-z]{2,}", re.IGNORECASE)
PHONE = re.compile(r"(?:\+|\b00|\b0)?\d(?:[\s()/.-]*\d){5,}")
WEB_ADDRESS = re.compile(
    r"\b(?:https?://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:de|com|org|net|eu|info|io|biz)\b", re.IGNORECASE
)


def looks_personal(text: str) -> bool:
    return any(pattern.search(text) for pattern in (EMAIL, PHONE, WEB_ADDRESS))


def kept_text(text: str | None) -> str | None:
    """The text to store: None when it is empty or still looks personal."""
    if text is None:
        return None
    cleaned = " ".join(text.split())
    return cleaned if cleaned and not looks_personal(cleaned) else None
