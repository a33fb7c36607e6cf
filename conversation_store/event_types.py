"""Reading stored events without Rasa's class search for each of them.

Rasa 3.6 turns every stored event back into its class with `Event.resolve_by_type`, which walks all
subclasses of `Event` (recursively, with `inspect.isabstract` on each) for every single event: about
two thirds of the time to load a conversation from the tracker store, which the Rasa server does on
every turn (bench/latency.py, issue 18 L5). Here each type name found by Rasa's own search is kept, so
the search runs once per type; names it does not find (old `topic` events, unknown names) still go
through it every time, with Rasa's own result or error.

Installed when the tracker store is loaded (conversation_store/forgetting.py).
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Text, Type

from rasa.shared.core.events import Event

_RASA_RESOLVE: Callable[[Text, Optional[Type[Event]]], Optional[Type[Event]]] = Event.resolve_by_type
_found: Dict[Text, Type[Event]] = {}


def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """The event class of a type name, as Rasa's `Event.resolve_by_type` returns it."""
    found = _found.get(type_name)
    if found is None:
        resolved = _RASA_RESOLVE(type_name, default)
        if resolved is None or getattr(resolved, "type_name", None) != type_name:
            return resolved  # Rasa's answer for a name it has no class of (None or the default)
        found = _found[type_name] = resolved
    return found


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)
