"""Issue 18 L5: stored events are read back into the same classes as with Rasa's own search, which now
runs once per type name instead of once per event."""

import pytest
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.utils.common import all_subclasses

from conversation_store import event_types
from conversation_store.forgetting import ForgettingSQLTrackerStore  # noqa: F401 (loading the store installs it)


def rasas_search(type_name: str) -> type:
    return next(cls for cls in all_subclasses(Event) if cls.type_name == type_name)


def test_loading_the_tracker_store_installs_the_kept_search() -> None:
    assert Event.resolve_by_type is event_types.resolve_by_type


@pytest.mark.parametrize("type_name", sorted({cls.type_name for cls in all_subclasses(Event)}))
def test_every_event_type_resolves_to_the_class_rasa_finds(type_name: str) -> None:
    assert Event.resolve_by_type(type_name) is rasas_search(type_name)
    assert Event.resolve_by_type(type_name) is rasas_search(type_name)  # the kept answer


def test_names_without_a_class_get_rasas_answer_every_time() -> None:
    for _ in range(2):
        assert Event.resolve_by_type("topic") is None
        assert Event.resolve_by_type("no_such_event", ActionExecuted) is ActionExecuted
        with pytest.raises(ValueError, match="Unknown event name"):
            Event.resolve_by_type("no_such_event")
    assert "no_such_event" not in event_types._found


def test_a_stored_event_reads_back_as_before() -> None:
    stored = UserUttered("Was kostet das?", {"name": "ask_costs", "confidence": 0.9}).as_dict()
    assert Event.from_parameters(stored) == UserUttered("Was kostet das?", {"name": "ask_costs", "confidence": 0.9})
