"""The candidate sends the link code and sees the case's status and their own missing documents.
Every look-up goes to the backend, so a revoked code stops working at once; wrong codes are
limited per conversation here and again in the backend."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendClient, Lookup
from actions.conversation import client_key, language_of, say, sender_key
from actions.link_attempts import LinkAttempts
from bot.candidate_link import CandidateView, Found, MissingDocument, documents_text, find_link_code, status_text

REFUSALS = {Lookup.LIMITED: "candidate_link_limited", Lookup.UNAVAILABLE: "candidate_link_unavailable"}


def candidate_view(answer: Dict[str, Any]) -> CandidateView:
    documents = [
        MissingDocument(item=str(entry["item"]), state=str(entry["state"]))
        for entry in answer.get("missing_documents") or []
    ]
    return CandidateView(status=str(answer.get("status")), missing_documents=documents)


async def _refuse(dispatcher: CollectingDispatcher, tracker: Tracker, attempts: LinkAttempts) -> None:
    """Unknown, revoked and malformed codes get the same answer, and each counts against the limit."""
    await asyncio.to_thread(attempts.record_failure, sender_key(tracker))
    say(dispatcher, "candidate_link_unknown", language_of(tracker))


async def link_case(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    language = language_of(tracker)
    search = find_link_code(str(tracker.latest_message.get("text") or ""))
    if search.found is Found.NOTHING:
        say(dispatcher, "candidate_link_ask_code", language)
        return []
    attempts = LinkAttempts()
    if await asyncio.to_thread(attempts.blocked, sender_key(tracker)):
        say(dispatcher, "candidate_link_limited", language)
        return []
    if search.code is None:
        await _refuse(dispatcher, tracker, attempts)
        return []
    outcome, answer = await BackendClient().resolve_link_code(search.code, sender_key(tracker), client_key(tracker))
    if outcome is Lookup.NOT_FOUND:
        await _refuse(dispatcher, tracker, attempts)
    elif outcome is Lookup.FOUND and answer is not None:
        view = candidate_view(answer)
        documents = documents_text(view, language)
        say(dispatcher, "candidate_linked", language, status=status_text(view.status, language), documents=documents)
    else:
        say(dispatcher, REFUSALS.get(outcome, "candidate_link_unavailable"), language)
    return []


class ActionLinkCase(Action):
    def name(self) -> Text:
        return "action_link_case"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return await link_case(dispatcher, tracker)
