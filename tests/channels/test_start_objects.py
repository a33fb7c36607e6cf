"""Issue 18 L5: once the Rasa server has loaded its model, the objects of its start are left out of
garbage collection, so a full collection no longer walks the whole model (a ~1.5 s stop of the server)."""

import gc
from typing import Iterator

import pytest
from sanic import Sanic

from channels.rest import HardenedRestInput
from channels.start_objects import after_server_start, freeze_start_objects


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_the_objects_alive_at_the_start_are_frozen_and_later_ones_are_not(unfrozen: None) -> None:
    model = [{"weights": list(range(10))} for _ in range(1000)]
    assert freeze_start_objects() >= len(model)
    cycle: list = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1, "garbage made after the start is still collected"


def test_the_rest_channel_freezes_after_the_server_started_that_is_once_the_model_is_loaded() -> None:
    async def on_new_message(message: object) -> None:
        return None

    blueprint = HardenedRestInput().blueprint(on_new_message)
    app = Sanic("start_objects_test")
    app.blueprint(blueprint)
    assert after_server_start in [listener.listener for listener in blueprint._future_listeners]
