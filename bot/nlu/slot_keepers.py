"""Slots the Rasa server keeps itself after each user message, without a call to the action server.

The conversation's language sticks to what the user wrote before ("ja", "yes", "38" change nothing),
so it needs the conversation's state, which the NLU pipeline does not see. A policy does: Rasa asks
every policy for a prediction right after `action_extract_slots`, and the events a policy returns are
applied before the predicted action runs (`PolicyPrediction.events`), whichever policy wins. These
policies predict no action (all zeros) and only return `SlotSet` events, once per user message.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.constants import DEFAULT_POLICY_PRIORITY, POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language import (
    LANGUAGE_DETECTION,
    SUPPORTED_LANGUAGES,
    Detection,
    LanguagePolicy,
    LanguageState,
    choose_language,
    explicit_request,
    normalise_language,
)
from bot.operator import assistant_of


def just_heard_the_user(tracker: DialogueStateTracker) -> bool:
    """True for the first prediction after a user message (no action of this turn has run yet)."""
    return tracker.latest_action_name == ACTION_LISTEN_NAME and tracker.latest_message is not None


class SlotKeeper(Policy):
    """A policy that predicts nothing and sets slots after each user message."""

    # Below every action-predicting policy (Rasa wants the priorities distinct); a keeper's all-zero
    # prediction never wins anyway.
    PRIORITY = DEFAULT_POLICY_PRIORITY

    @classmethod
    def get_default_config(cls) -> Dict[Text, Any]:
        return {POLICY_PRIORITY: cls.PRIORITY}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        with self._model_storage.write_to(self._resource):
            pass  # nothing to learn; the folder lets Rasa load the policy like any other
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        events = self.slot_events(tracker) if just_heard_the_user(tracker) else []
        return self._prediction(self._default_predictions(domain), events=events)

    def slot_events(self, tracker: DialogueStateTracker) -> List[Event]:
        raise NotImplementedError


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class LanguageSlotKeeper(SlotKeeper):
    """Keeps `language` (and `channel_language`, the channel's last stated language) by the rules of
    `bot.language.choose_language`."""

    def slot_events(self, tracker: DialogueStateTracker) -> List[Event]:
        message = tracker.latest_message.parse_data if tracker.latest_message else {}
        detection = Detection.from_dict(message.get(LANGUAGE_DETECTION) or {})
        channel = normalise_language((message.get("metadata") or {}).get("language"))
        current = tracker.get_slot("language")
        state = LanguageState(current, tracker.get_slot("channel_language"))
        intent = (message.get("intent") or {}).get("name")
        requested = explicit_request(intent, next(tracker.get_latest_entity_values("language"), None), current)
        language = choose_language(state, detection, channel, requested, LanguagePolicy.from_env())
        events: List[Event] = []
        if language != state.current:
            events.append(SlotSet("language", language))
        if channel and channel != state.last_channel_language:
            events.append(SlotSet("channel_language", channel))
        return events


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class OperatorSlotKeeper(SlotKeeper):
    """Keeps `assistant_of_de` / `assistant_of_en` equal to the operator's settings (settings/operator.yml),
    so the greeting and the bot-challenge responses in domain.yml name whoever runs this installation."""

    PRIORITY = DEFAULT_POLICY_PRIORITY - 1

    def slot_events(self, tracker: DialogueStateTracker) -> List[Event]:
        wanted = {f"assistant_of_{language}": assistant_of(language) for language in SUPPORTED_LANGUAGES}
        return [SlotSet(slot, value) for slot, value in wanted.items() if tracker.get_slot(slot) != value]
