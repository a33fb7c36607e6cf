"""The Rasa server's check of each answer of the action server, with its JSON schema checked once.

Rasa 3.6 checks every answer of the action server with `jsonschema.validate(answer, schema)`, which
first checks the schema itself against JSON Schema's meta-schema: about 18 ms of CPU per custom action
call, the largest single cost of a Lotse turn (bench/latency.py, issue 18 L5). Here the schema is
checked once and its validator kept; a valid answer passes as before, and an invalid one goes
through Rasa's own check, so the error and its message are Rasa's.

Installed when the channels are loaded (channels/__init__.py): every Rasa server of Lotse loads them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Dict, Text

from jsonschema import validators
from rasa.core.actions.action import RemoteAction

_RASA_CHECK: Callable[[RemoteAction, Dict[Text, Any]], bool] = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def answer_validator() -> Any:
    """A validator of Rasa's action-answer schema, built (and the schema checked) once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def check_answer(action: RemoteAction, answer: Dict[Text, Any]) -> bool:
    """True for an answer of the documented format; otherwise Rasa's check raises its ValidationError."""
    if answer_validator().is_valid(answer):
        return True
    return _RASA_CHECK(action, answer)


def install() -> None:
    RemoteAction._validate_action_result = check_answer
