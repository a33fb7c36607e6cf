"""How a gate overrides DIET's intent: `intent` and `intent_ranking` change together, so every
reader of the parse data (policies, the "Did you mean …?" buttons, the logs) sees the same choice.
`StatelessGate` is the base of the gates that learn nothing.

The chosen intent goes first in the ranking with the gate's confidence; the other entries keep
DIET's scores and order, and an older entry for the chosen intent is dropped. This is what Rasa's
own FallbackClassifier does when it picks `nlu_fallback` (it inserts its intent at the front)."""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Text, Tuple, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message


Gate = TypeVar("Gate", bound="StatelessGate")


class StatelessGate(GraphComponent):
    """A pipeline component without training or stored state: Rasa creates it from its class alone."""

    @classmethod
    def create(
        cls: type[Gate],
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Gate:
        return cls()


def set_ranking(message: Message, ranking: Sequence[Tuple[str, float]]) -> None:
    """A whole new order of (intent, confidence), best first: its first entry is the intent."""
    entries = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence} for name, confidence in ranking]
    message.set(INTENT, dict(entries[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, entries, add_to_output=True)


def choose_intent(message: Message, name: str, confidence: float = 1.0) -> None:
    chosen = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
    message.set(INTENT, dict(chosen), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen, *_others(message, name)], add_to_output=True)


def _others(message: Message, name: str) -> List[Dict[str, Any]]:
    ranking = message.get(INTENT_RANKING_KEY) or []
    return [entry for entry in ranking if entry.get(INTENT_NAME_KEY) != name]
