"""Reading a connector's entry of `credentials.yml`: complete, or a clear error."""

from typing import Any, Dict, Iterable, Mapping, Optional

from rasa.shared.exceptions import RasaException


class ChannelCredentialsError(RasaException):
    """A channel is listed in `credentials.yml` without all the values it needs."""


def _is_set(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def required_values(channel: str, credentials: Optional[Mapping[str, Any]], required: Iterable[str]) -> Dict[str, str]:
    """The required values as strings; raises naming the missing keys (never the values)."""
    credentials = credentials or {}
    required = list(required)
    missing = [key for key in required if not _is_set(credentials.get(key))]
    if missing:
        state = "no credentials" if len(missing) == len(required) else "partial credentials"
        raise ChannelCredentialsError(
            f"The {channel} channel has {state}: missing {', '.join(missing)}. "
            f"Set them, or remove the channel from credentials.yml."
        )
    return {key: str(credentials[key]).strip() for key in required}


def optional_value(credentials: Optional[Mapping[str, Any]], key: str, default: str) -> str:
    value = (credentials or {}).get(key)
    return str(value).strip() if _is_set(value) else default


def flag_value(credentials: Optional[Mapping[str, Any]], key: str) -> bool:
    return str((credentials or {}).get(key, "")).strip().lower() in {"true", "1", "yes"}
