"""Issue #8 (E9–E11, E13) through the real stack, with Microsoft's side played by the Bot Framework
stand-in (teams_standin.py): signed activities get the trained bot's answers at the service URL,
sent with the bot's own token and in the activity's language; forged, expired or misaddressed
tokens are refused before the bot; a mention in a channel thread is understood, and the thread and
the 1:1 chat keep apart; buttons arrive as Adaptive Card actions whose click moves the dialogue on;
a case registered in Teams hears its status change at once, in the conversation's language, or,
when Teams refuses it, before the answer to the conversation's next message."""

from __future__ import annotations

import re

import json
import sqlite3
import time
import uuid
from contextlib import closing
from typing import Any, Dict, List, Sequence

import pytest
from conftest import Conversation
from intake_script import CARPENTER_IN_GARBSEN_DE, IT_COMPANY_IN_HANNOVER_EN
from stack import Stack
from standins.botframework import ReceivedActivity, new_signing_key
from teams_standin import BOT, TeamsStandIn, TeamsUser, card_actions, shown_lines, words
from test_intake import REFERENCE, staff_tokens
from test_status_notices import move, wait_until_delivered

from bot.texts import text
from channels.teams.activities import conversation_key
from channels.teams.output import ADAPTIVE_CARD

FEE_QUESTION = {
    "de": "Was kostet das beschleunigte Fachkräfteverfahren?",
    "en": "How much does the accelerated procedure for skilled workers cost?",
}
ROUTE_QUESTION = {
    "de": "Welcher Aufenthaltstitel passt für meine Fachkraft?",
    "en": "Which residence permit fits my candidate?",
}
NOTICE_TIMEOUT_SECONDS = 30


def personal_chat(bot_url: str, standin: TeamsStandIn, locale: str, user: str = "e2e-user") -> TeamsUser:
    return TeamsUser(bot_url, standin, {"id": f"a:1{uuid.uuid4().hex}", "conversationType": "personal"}, locale, user)


def channel_thread(bot_url: str, standin: TeamsStandIn, locale: str, user: str) -> TeamsUser:
    """A new post in a team's channel: the conversation id names the channel and the thread's root message."""
    root = f"1764{uuid.uuid4().int % 10**9:09d}"
    conversation = {"id": f"19:{uuid.uuid4().hex}@thread.tacv2;messageid={root}", "conversationType": "channel"}
    return TeamsUser(bot_url, standin, conversation, locale, user)


def sender_of(teams: TeamsUser) -> str:
    return conversation_key(teams.activity(""))


def user_turns(stack: Stack, sender_id: str) -> List[Dict[str, Any]]:
    """The user events the bot's tracker store holds for a conversation (read-only look at its SQLite file)."""
    uri = f"file:{stack.var_dir / 'conversations.sqlite3'}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender_id,)
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def bearer_tokens(standin: TeamsStandIn) -> set[str]:
    """Every token the stand-in's tenant endpoint issued to the bot."""
    return {f"Bearer {token}" for token in standin.bot_framework.issued_tokens}


def widget_answer(bot_url: str, language: str, *messages: str) -> List[dict]:
    """What the same bot answers in the widget (REST channel) to the same messages: the reference answer."""
    conversation = Conversation(bot_url, language)
    answers: List[dict] = []
    for message in messages:
        answers = conversation.say(message)
    return answers


def offers_feedback(activity: Dict[str, Any]) -> bool:
    """The 👍 / 👎 card under an answer (issue 17 I2): its 👍 action submits `{"feedback": …}`."""
    return any(
        "feedback" in (action.get("data") or {})
        for attachment in activity.get("attachments") or []
        for action in (attachment.get("content") or {}).get("actions") or []
    )


def texts(replies: Sequence[Dict[str, Any]]) -> List[str]:
    """What the user reads of the answer; the feedback card under it is checked on its own."""
    return [words(reply) for reply in replies if not offers_feedback(reply)]


def widget_texts(messages: Sequence[Dict[str, Any]]) -> List[str]:
    """The widget's text messages; its feedback offer is a custom message without text."""
    return [shown_lines(message["text"]) for message in messages if "text" in message]


def test_signed_german_then_english_activities_get_the_bots_answer_in_their_language(
    stack: Stack, bot_url: str, teams_standin: TeamsStandIn
) -> None:
    for language, locale, marker in (("de", "de-DE", "Quelle:"), ("en", "en-GB", "Source:")):
        teams = personal_chat(bot_url, teams_standin, locale)
        before = len(teams_standin.bot_framework.activities)
        replies = teams.say(FEE_QUESTION[language])

        widget = widget_answer(bot_url, language, FEE_QUESTION[language])
        assert texts(replies) == widget_texts(widget)
        assert any(offers_feedback(reply) for reply in replies), "a factual answer offers 👍 / 👎"
        assert "411" in replies[0]["text"] and marker in "\n".join(texts(replies))
        assert all(re.search(r"(?<!\n)\n(?!\n)", reply.get("text") or "") is None for reply in replies), (
            "a single line break would join the lines in Teams' markdown"
        )
        posted = teams_standin.posted_to(teams.conversation["id"], before)
        assert posted and all(activity.authorization in bearer_tokens(teams_standin) for activity in posted)
        for reply in replies:
            assert reply["from"] == {"id": BOT["id"]} and reply["recipient"]["id"] == teams.user["id"]
            assert reply["conversation"]["id"] == teams.conversation["id"]
        [turn] = user_turns(stack, sender_of(teams))
        assert turn["metadata"]["language"] == language


@pytest.mark.parametrize("forgery", ["signed with another key", "expired", "for another bot"])
def test_a_token_the_bot_framework_did_not_issue_for_this_bot_is_refused_before_the_bot(
    stack: Stack, bot_url: str, teams_standin: TeamsStandIn, forgery: str
) -> None:
    bot_framework = teams_standin.bot_framework
    token = {
        "signed with another key": lambda: bot_framework.connector_token(signing_key=new_signing_key()),
        "expired": lambda: bot_framework.connector_token(expires_in=-3600),
        "for another bot": lambda: bot_framework.connector_token(audience=str(uuid.uuid4())),
    }[forgery]()
    teams = personal_chat(bot_url, teams_standin, "de-DE")
    activity = teams.activity(FEE_QUESTION["de"])

    answer = teams.post(activity, token)
    assert answer.status_code == 401 and answer.json() == {"error": "unauthorized"}
    time.sleep(1)
    assert teams_standin.posted_to(teams.conversation["id"]) == []
    assert user_turns(stack, sender_of(teams)) == []

    assert teams.post(activity).status_code == 200, "the same activity, properly signed, is taken"
    assert teams_standin.posted_to(teams.conversation["id"])


def test_a_mention_in_a_channel_thread_is_understood_and_the_thread_keeps_apart_from_the_1_to_1_chat(
    stack: Stack, bot_url: str, teams_standin: TeamsStandIn
) -> None:
    chat = personal_chat(bot_url, teams_standin, "de-DE", user="e2e-colleague")
    [first_question] = chat.say(ROUTE_QUESTION["de"])  # the path finder now waits for an answer here
    assert card_actions(first_question)

    thread = channel_thread(bot_url, teams_standin, "de-DE", user="e2e-colleague")
    mention = {"type": "mention", "text": "<at>Lotse</at>", "mentioned": BOT}
    replies = thread.send(thread.activity(f"<at>Lotse</at> {FEE_QUESTION['de']}", entities=[mention]))

    # the answer of a fresh conversation: no path finder question of the 1:1 chat appended
    widget = Conversation(bot_url, "de")
    assert texts(replies) == widget_texts(widget.say(FEE_QUESTION["de"]))
    [turn] = user_turns(stack, sender_of(thread))
    assert turn["text"] == FEE_QUESTION["de"], "the mention is taken out before NLU"
    assert turn["parse_data"]["intent"]["name"] == user_turns(stack, widget.sender)[0]["parse_data"]["intent"]["name"]

    skilled_job = card_actions(first_question)[0]["data"]["payload"]
    next_question = widget_answer(bot_url, "de", ROUTE_QUESTION["de"], skilled_job)
    assert texts(chat.click(skilled_job)) == [shown_lines(message["text"]) for message in next_question]
    assert sender_of(chat) != sender_of(thread)
    assert [turn["text"] for turn in user_turns(stack, sender_of(chat))] == [ROUTE_QUESTION["de"], skilled_job]


def test_buttons_arrive_as_adaptive_card_submit_actions_and_a_click_moves_the_path_finder_on(
    stack: Stack, bot_url: str, teams_standin: TeamsStandIn
) -> None:
    teams = personal_chat(bot_url, teams_standin, "en-GB")
    [question] = teams.say(ROUTE_QUESTION["en"])
    [widget_question] = widget_answer(bot_url, "en", ROUTE_QUESTION["en"])

    [card] = question["attachments"]
    assert card["contentType"] == ADAPTIVE_CARD
    assert card["content"]["type"] == "AdaptiveCard" and card["content"]["version"] == "1.4"
    assert words(question) == shown_lines(widget_question["text"])
    actions = card_actions(question)
    assert {action["type"] for action in actions} == {"Action.Submit"}
    assert [(action["title"], action["data"]) for action in actions] == [
        (button["title"], {"payload": button["payload"]}) for button in widget_question["buttons"]
    ]

    skilled_job = next(action for action in actions if '"skilled_job"' in action["data"]["payload"])
    [next_question] = teams.click(skilled_job["data"]["payload"])
    [widget_next] = widget_answer(bot_url, "en", ROUTE_QUESTION["en"], skilled_job["data"]["payload"])
    assert words(next_question) == shown_lines(widget_next["text"]) != shown_lines(widget_question["text"])
    assert card_actions(next_question), "the path finder's next question has its own buttons"
    click = user_turns(stack, sender_of(teams))[-1]
    assert click["parse_data"]["intent"]["name"] == "inform"
    assert [(e["entity"], e["value"]) for e in click["parse_data"]["entities"]] == [("choice", "skilled_job")]


def notices_posted(standin: TeamsStandIn, conversation_id: str, since: int) -> List[ReceivedActivity]:
    deadline = time.monotonic() + NOTICE_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        posted = standin.posted_to(conversation_id, since)
        if posted:
            time.sleep(1)  # a second notice would come with the first
            return standin.posted_to(conversation_id, since)
        time.sleep(0.3)
    raise AssertionError(f"no status notice reached the Teams conversation within {NOTICE_TIMEOUT_SECONDS} s")


@pytest.mark.parametrize(
    "locale, language, answers, consent, organisation, thanks",
    [
        ("de-DE", "de", CARPENTER_IN_GARBSEN_DE, "Ja, einverstanden", "hwk_hannover", "Danke"),
        ("en-GB", "en", IT_COMPANY_IN_HANNOVER_EN, "yes, I agree", "ihk_hannover", "thanks"),
    ],
)
def test_a_case_registered_in_teams_hears_its_status_change_at_once(
    bot_url: str,
    backend_url: str,
    credentials: dict,
    teams_standin: TeamsStandIn,
    locale: str,
    language: str,
    answers: Sequence[str],
    consent: str,
    organisation: str,
    thanks: str,
) -> None:
    teams = personal_chat(bot_url, teams_standin, locale)
    for answer in answers:
        assert teams.answer(answer), f"no reply to {answer!r}"
    match = REFERENCE.search(teams.answer(consent))
    assert match, "no reference after the consent"
    reference = match.group(0)

    before = len(teams_standin.bot_framework.activities)
    move(backend_url, staff_tokens(credentials)[organisation], reference, "in_pre_check")
    [notice] = notices_posted(teams_standin, teams.conversation["id"], before)

    status = text("status_in_pre_check", language)
    assert notice.activity["text"] == text("status_notice", language, reference=reference, status=status)
    assert notice.authorization in bearer_tokens(teams_standin)
    assert notice.activity["recipient"]["id"] == teams.user["id"] and notice.activity["from"] == {"id": BOT["id"]}
    assert reference not in teams.answer(thanks), "a notice told at once is not told again"


def test_a_notice_teams_refused_is_told_in_the_channel_thread_before_the_next_answer(
    bot_url: str, backend_url: str, credentials: dict, teams_standin: TeamsStandIn
) -> None:
    thread = channel_thread(bot_url, teams_standin, "de-DE", user="e2e-employer-in-a-team")
    for answer in CARPENTER_IN_GARBSEN_DE:
        assert thread.answer(answer), f"no reply to {answer!r}"
    match = REFERENCE.search(thread.answer("Ja, einverstanden"))
    assert match, "no reference after the consent"
    reference, token = match.group(0), staff_tokens(credentials)["hwk_hannover"]

    teams_standin.bot_framework.failures_to_serve.append(403)  # Teams refuses once, e.g. the bot is blocked
    move(backend_url, token, reference, "in_pre_check")
    wait_until_delivered(backend_url, token, reference, 1)
    assert teams_standin.bot_framework.failures_to_serve == [], "the bot tried to tell it at once"

    replies = texts(thread.say("Danke"))
    status = text("status_in_pre_check", "de")
    assert replies[0] == text("status_notice", "de", reference=reference, status=status)
    assert len(replies) > 1 and reference not in "\n".join(replies[1:]), "then the answer to the message"
