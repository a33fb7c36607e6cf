"""Checking the backend's signature: HMAC-SHA256 over `<timestamp>.<event id>.<body>` with the
shared secret, a timestamp inside the allowed window (docs/contracts.md, "Status notices")."""

from __future__ import annotations

import hashlib
import hmac
from typing import Mapping, Optional

SIGNATURE_HEADER = "X-Lotse-Signature"
TIMESTAMP_HEADER = "X-Lotse-Timestamp"
EVENT_HEADER = "X-Lotse-Event-Id"


class Refused(Exception):
    """The request is not the backend's, or not fresh; `code` is safe to log and to answer."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def signature(secret: str, timestamp: str, event_id: str, body: bytes) -> str:
    signed = f"{timestamp}.{event_id}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verified_event_id(secret: str, headers: Mapping[str, str], body: bytes, now: float, max_age_seconds: int) -> str:
    """The event id of a genuine, fresh request; raises `Refused` otherwise."""
    timestamp, event_id, given = (_header(headers, name) for name in (TIMESTAMP_HEADER, EVENT_HEADER, SIGNATURE_HEADER))
    if not (timestamp and event_id and given):
        raise Refused("signature_missing")
    if not hmac.compare_digest(signature(secret, timestamp, event_id, body), given):
        raise Refused("signature_invalid")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > max_age_seconds:
        raise Refused("timestamp_outside_window")
    return event_id


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    value = headers.get(name) or headers.get(name.lower())
    return value.strip() if isinstance(value, str) and value.strip() else None
