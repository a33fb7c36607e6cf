"""Issue 18 L5: the Rasa server checks each answer of the action server against Rasa's schema as before,
but checks the schema itself once (jsonschema.validate did it on every custom action call)."""

from typing import Any, Dict

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from channels import action_results

ACTION = RemoteAction("action_answer_topic", EndpointConfig("http://127.0.0.1:1/webhook"))
VALID: Dict[str, Any] = {
    "events": [
        {"event": "slot", "name": "language", "value": "de", "timestamp": None},
        {"event": "bot", "text": "Hallo", "data": {}, "metadata": {"insight": {"kind": "answer"}}},
    ],
    "responses": [{"text": "Hallo", "buttons": [{"title": "Kosten", "payload": "/ask_costs"}]}],
}
INVALID = [
    {"events": [{"event": "slot", "value": "de"}]},  # a slot event without its name
    {"events": "not a list"},
    {"responses": [42]},
]


def test_loading_the_channels_installs_the_check() -> None:
    assert RemoteAction._validate_action_result is action_results.check_answer


def test_a_valid_answer_passes_as_with_jsonschema_validate() -> None:
    validate(VALID, RemoteAction.action_response_format_spec())  # what Rasa's own check does
    assert ACTION._validate_action_result(VALID) is True


@pytest.mark.parametrize("answer", INVALID)
def test_an_invalid_answer_raises_rasas_own_error(answer: Dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as raised:
        ACTION._validate_action_result(answer)
    assert "Failed to validate Action server response from API" in raised.value.message


def test_the_schema_is_checked_once_for_many_answers() -> None:
    action_results.answer_validator.cache_clear()
    for _ in range(5):
        ACTION._validate_action_result(VALID)
    assert action_results.answer_validator.cache_info().misses == 1
