"""The greeting before a question and the thanks after it are left out of what the NLU reads."""

from __future__ import annotations

import pytest
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.framing_tokenizer import FramingAwareTokenizer
from bot.understanding.framing import core_text


@pytest.mark.parametrize(
    ("message", "core"),
    [
        (
            "Hallo zusammen, wir sind ein Pflegeheim in Celle. Was kostet das? Danke schon mal!",
            "wir sind ein Pflegeheim in Celle. Was kostet das?",
        ),
        (
            "Good morning everyone! I have a quick question: do we pay the fee per worker? Many thanks",
            "do we pay the fee per worker?",
        ),
        (
            "Sehr geehrte Damen und Herren,\nwie lange dauert die Vorabzustimmung?\nMit freundlichen Grüßen\nK. Meier",
            "wie lange dauert die Vorabzustimmung?",
        ),
        ("hi im new to this forum and totally confused. what is a pre-approval? thx", "what is a pre-approval?"),
        ("servus, kann mein azubi seine frau mitbringen danke", "kann mein azubi seine frau mitbringen"),
        (
            "Moin, wir sind ein Betrieb in Burgdorf. Gibt es eine Gehaltsgrenze? Vielen Dank im Voraus und viele Grüße, Thomas",
            "wir sind ein Betrieb in Burgdorf. Gibt es eine Gehaltsgrenze?",
        ),
        (
            "Dear Lotse, is 3,600 a month enough for a Blue Card? Kind regards, Priya",
            "is 3,600 a month enough for a Blue Card?",
        ),
    ],
)
def test_the_frame_around_a_question_is_left_out(message: str, core: str) -> None:
    assert core_text(message) == core


@pytest.mark.parametrize(
    "message",
    [
        "Hallo!",
        "Danke",
        "Vielen Dank für die Hilfe!",
        "Best regards",
        "hi lotse",
        "ok danke",
        "Which visa is best",
        "Thanks, and how long does it take?",  # a question after the thanks
        "Danke, das hilft. Und was kostet das Visum?",
        "Frage zur Gebühr",  # the topic is named with the word "Frage"
        "Ich bin neu in Deutschland und suche Arbeit",  # about the asker, but the message itself
        "Ist das Verfahren für uns neu? Wir sind neu hier.",
        "Guten Tag, hier ist Frau Schulte von der Bäckerei Schulte",  # an introduction, no question
        "Good afternoon, this is Tom from Hansen Logistics",
        "Das hat mir sehr geholfen, vielen Dank!",
    ],
)
def test_a_message_that_is_all_frame_or_no_frame_stays_whole(message: str) -> None:
    assert core_text(message) == message


def test_the_tokens_are_those_of_the_core_at_their_places_in_the_whole_text() -> None:
    text = "Hallo zusammen, kann ein Koch aus Vietnam kommen? Danke im Voraus!"
    message = Message(data={TEXT: text})
    plain = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).tokenize(message, TEXT)
    framed = FramingAwareTokenizer(FramingAwareTokenizer.get_default_config()).tokenize(message, TEXT)
    assert [t.text for t in framed] == ["kann", "ein", "Koch", "aus", "Vietnam", "kommen"]
    assert all(text[t.start : t.end] == t.text for t in framed)
    assert len(plain) == len(framed) + 5


def test_a_greeting_alone_keeps_its_tokens() -> None:
    message = Message(data={TEXT: "Guten Tag!"})
    assert [
        t.text for t in FramingAwareTokenizer(FramingAwareTokenizer.get_default_config()).tokenize(message, TEXT)
    ] == [
        "Guten",
        "Tag",
    ]
