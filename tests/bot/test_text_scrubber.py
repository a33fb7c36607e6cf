"""The text scrubber: contact data become markers; a line that may name a person or company is dropped."""

import pytest

from bot.text_scrubber import MAX_LENGTH, scrub

KEPT = [
    ("Die Gebühr für das Visum fehlte", "Die Gebühr für das Visum fehlte"),
    (
        "Wie lange dauert die Anerkennung bei der Handwerkskammer?",
        "Wie lange dauert die Anerkennung bei der Handwerkskammer?",
    ),
    ("What about the Blue Card salary for 2027?", "What about the Blue Card salary for 2027?"),
    ("missing: the documents list", "missing: the documents list"),
    ("Bitte an info@firma-beispiel.de schicken", "Bitte an [e-mail] schicken"),
    ("mail max.muster+jobs@example.co.uk please", "mail [e-mail] please"),
    ("mein fall LT-2026-7K3QZD ist offen", "mein fall [reference] ist offen"),
    ("code 7K3Q-ZD9A-B2C4 geht nicht", "code [reference] geht nicht"),
    ("siehe https://example.org/x?y=1 dazu", "siehe [link] dazu"),
    ("tel 0511 123456 bitte", "tel [phone] bitte"),
    ("call +49 (511) 123-4567 please", "call [phone] please"),
    ("  many   spaces\n here ", "many spaces here"),
]

DROPPED = [
    "Herr Müller hat gefragt",  # form of address
    "frau schmidt wollte das wissen",
    "Anna Kowalski fragt nach dem Visum",  # capitalised words outside the vocabulary
    "my name is john",  # an introduction, even in lower case
    "ich heiße anna",
    "Mein Name ist Jan",
    "Kostet das etwas für Schmidt Bau GmbH",  # a company
    "for acme ltd the fee was missing",
    "",
    None,
    "12345678",  # nothing but a marker is left
    "info@example.org",
]


@pytest.mark.parametrize(("line", "expected"), KEPT)
def test_contact_data_become_markers(line: str, expected: str) -> None:
    assert scrub(line) == expected


@pytest.mark.parametrize("line", DROPPED)
def test_a_line_in_doubt_is_dropped(line: str) -> None:
    assert scrub(line) is None


def test_the_line_is_cut_to_the_maximum_length() -> None:
    scrubbed = scrub("Visum " * 100)
    assert scrubbed is not None and len(scrubbed) <= MAX_LENGTH
