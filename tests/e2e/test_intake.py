"""The minimal intake end to end: conversation → reference → ticket in the real backend."""

from __future__ import annotations

import re

import httpx

from conftest import Conversation

REFERENCE = re.compile(r"LT-\d{4}-[0-9A-HJKMNP-TV-Z]{6}")


def staff_tokens(credentials: dict) -> dict:
    return {org: entry["api_token"] for org, entry in credentials.items() if org not in ("bot", "admin")}


def find_ticket(backend_url: str, credentials: dict, reference: str) -> dict[str, dict]:
    """Which organisations' staff can read the ticket, and what they see."""
    seen = {}
    for org, token in staff_tokens(credentials).items():
        answer = httpx.get(f"{backend_url}/api/v1/tickets/{reference}", headers={"Authorization": f"Bearer {token}"})
        if answer.status_code == 200:
            seen[org] = answer.json()
        else:
            assert answer.status_code == 404
    return seen


def register_case(
    conversation: Conversation, start: str, company: str, business: str, occupation: str, email: str, yes: str
) -> str:
    assert conversation.say_text(start)
    conversation.say_text(company)
    conversation.say_text(business)
    conversation.say_text(occupation)
    summary = conversation.say_text(email)
    assert company in summary and email in summary and occupation in summary
    return conversation.say_text(yes)


def test_german_intake_creates_a_hwk_ticket_for_a_carpenter(german: Conversation, backend_url: str, credentials: dict) -> None:
    reply = register_case(
        german, "Ich möchte einen Fall anmelden", "Tischlerei Sonnenschein GmbH", "Handwerk",
        "Tischler", "personal@tischlerei-sonnenschein.de", "Ja, einverstanden",
    )
    reference = REFERENCE.search(reply).group(0)
    assert "Handwerkskammer Hannover" in reply
    seen = find_ticket(backend_url, credentials, reference)
    assert list(seen) == ["hwk_hannover"]
    ticket = seen["hwk_hannover"]
    assert ticket["reference"] == reference
    assert ticket["status"] == "submitted"
    assert ticket["routing"]["pre_check_org"]["id"] == "hwk_hannover"
    assert ticket["routing"]["forward_to"]["id"] == "zentralstelle"
    assert ticket["case"]["company_name"] == "Tischlerei Sonnenschein GmbH"


def test_english_intake_creates_a_ticket_and_shows_the_reference(english: Conversation, backend_url: str, credentials: dict) -> None:
    reply = register_case(
        english, "I want to register a case for a pre-check", "Nordlicht Software AG", "/inform{\"business_type\": \"industry_trade\"}",
        "software developer", "jobs@nordlicht-software.de", "yes, I agree",
    )
    reference = REFERENCE.search(reply).group(0)
    assert "reference" in reply and "IHK Hannover" in reply
    seen = find_ticket(backend_url, credentials, reference)
    assert list(seen) == ["ihk_hannover"]
    assert seen["ihk_hannover"]["case"]["contact_email"] == "jobs@nordlicht-software.de"


def test_declined_consent_creates_no_ticket(german: Conversation) -> None:
    reply = register_case(
        german, "Fall anmelden", "Bäckerei Korn KG", "Handwerk", "Bäcker", "info@baeckerei-korn.de", "nein, lieber nicht",
    )
    assert not REFERENCE.search(reply)
    assert "nichts übermittelt" in reply


def test_invalid_email_is_explained_and_asked_again(german: Conversation) -> None:
    german.say_text("Ich möchte einen Fall anmelden")
    german.say_text("Autohaus Lindner GmbH")
    german.say_text("Industrie und Handel")
    german.say_text("Kfz-Mechatroniker")
    assert "@" in german.say_text("lindner at autohaus punkt de")
    assert "Datenschutz" in german.say_text("lindner@autohaus-lindner.de")
