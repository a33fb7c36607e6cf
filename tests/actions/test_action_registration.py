"""The action server registers every action of the package: a helper class that is not an action
(a mixin, an abstract base) must not break the registration, which would stop the server at start."""

from __future__ import annotations

from rasa_sdk.executor import ActionExecutor


def test_the_action_server_registers_the_forms_and_actions() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    assert {"validate_intake_form", "validate_pathfinder_form", "validate_status_form"} <= set(executor.actions)
    assert "action_submit_case" in executor.actions
