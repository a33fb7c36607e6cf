"""An action server that cannot be reached costs the user one polite message, never the answer
altogether (issue 16 S5).

Rasa 3.6 logs a failed call of a custom action and carries on without its events: the user gets no
answer at all, or the next action's answer to a state that never came about. Here every call of the
action server (`RemoteAction.run`, which also runs the form's validation and its questions) is

- tried a second time, after `RETRY_PAUSE_SECONDS`, when the connection could not be opened (refused,
  unreachable: the request never reached an action server, so nothing can have run twice);
- given up after `LOTSE_ACTION_TIMEOUT_SECONDS` (Rasa's own limit is 5 minutes; nginx ends a turn after 30 s);
- on failure answered with `action_server_unavailable` (bot/messages.yml) in the conversation's language,
  and the turn ends there (`action_listen`): the conversation stays as it was before the failed action,
  and the user can send the message again. One message per turn, however many calls failed.

A call that reached an action server which then died is not tried again here: in the scaled profile
nginx passes it to another action server (scripts/nginx_config.py); the submit action keeps one case
per consent turn (actions/intake.py `turn_key`), so that repeat is safe. A refusal of the action
itself (`ActionExecutionRejection`, the action server's 400) is Rasa's to handle, as before.

Installed when the channels are loaded (channels/__init__.py), like channels/action_results.py.
"""

from __future__ import annotations

import asyncio
import logging
import os
from contextvars import ContextVar
from typing import Any, Awaitable, Callable, List, Optional, Tuple

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.constants import ACTION_LISTEN_NAME, EXTERNAL_MESSAGE_PREFIX
from rasa.shared.core.events import BotUttered, Event, FollowupAction, UserUttered
from rasa.shared.exceptions import RasaException

from bot.language import SUPPORTED_LANGUAGES
from bot.texts import text

logger = logging.getLogger(__name__)

MESSAGE_KEY = "action_server_unavailable"
RETRY_PAUSE_SECONDS = 0.5


def action_timeout_seconds() -> float:
    return float(os.environ.get("LOTSE_ACTION_TIMEOUT_SECONDS", "15"))


_RASA_RUN: Callable[..., Awaitable[List[Event]]] = RemoteAction.run
# (sender id, the turn's user message id) of the turn that has had its apology: one per turn. The
# request's task runs the whole turn, so a value set here is seen by the turn's later calls only.
_apologised: ContextVar[Optional[Tuple[str, Optional[str]]]] = ContextVar("lotse_action_apology", default=None)


def never_connected(error: BaseException) -> bool:
    """True when the call failed before it reached an action server (the connection was refused or
    the host unreachable): Rasa's error comes from an OSError (aiohttp's connector errors are OSErrors;
    a connection dropped during the call, or a timeout, is not)."""
    reason = error.__cause__ or error.__context__
    return isinstance(reason, OSError) and not isinstance(reason, TimeoutError)


def _turn_of(tracker: Any) -> Tuple[str, Optional[str]]:
    latest = next((event for event in reversed(tracker.events) if isinstance(event, UserUttered)), None)
    return tracker.sender_id, latest.message_id if latest else None


def _language(tracker: Any) -> Optional[str]:
    language = tracker.get_slot("language")
    return language if language in SUPPORTED_LANGUAGES else None  # unknown: both languages, German first


def _triggered_from_outside(tracker: Any) -> bool:
    """A turn the user did not write (a status notice triggered as an external intent): nothing to send again."""
    latest = next((event for event in reversed(tracker.events) if isinstance(event, UserUttered)), None)
    return bool(latest and (latest.text or "").startswith(EXTERNAL_MESSAGE_PREFIX))


def apology(tracker: Any) -> List[Event]:
    """The polite error (once per turn), then listen: the turn ends, the user may send the message again.
    A turn triggered from outside ends silently: the status notice stays untold and is told on a later turn."""
    listen = FollowupAction(ACTION_LISTEN_NAME)
    turn = _turn_of(tracker)
    if _apologised.get() == turn or _triggered_from_outside(tracker):
        return [listen]
    _apologised.set(turn)
    return [BotUttered(text(MESSAGE_KEY, _language(tracker))), listen]


async def _call(action: RemoteAction, *arguments: Any) -> List[Event]:
    return await asyncio.wait_for(_RASA_RUN(action, *arguments), timeout=action_timeout_seconds())


async def run_or_apologise(
    action: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
) -> List[Event]:
    arguments = (output_channel, nlg, tracker, domain)
    try:
        try:
            return await _call(action, *arguments)
        except RasaException as error:
            if isinstance(error, ActionExecutionRejection) or not never_connected(error):
                raise
            logger.warning("action server not reached for '%s'; trying once more", action.name())
            await asyncio.sleep(RETRY_PAUSE_SECONDS)
            return await _call(action, *arguments)
    except ActionExecutionRejection:
        raise
    except (RasaException, asyncio.TimeoutError, TimeoutError) as error:
        # the reason in one line, no stack trace: Rasa's own error line names the action server's address
        logger.error(
            "action '%s' failed (%s): the user is asked to send the message again", action.name(), _reason(error)
        )
        return apology(tracker)


def _reason(error: BaseException) -> str:
    if isinstance(error, (asyncio.TimeoutError, TimeoutError)):
        return f"no answer within {action_timeout_seconds():g} s"
    return "not reached" if never_connected(error) else type(error).__name__


def install() -> None:
    RemoteAction.run = run_or_apologise
