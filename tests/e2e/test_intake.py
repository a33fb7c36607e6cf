"""The minimal intake end to end: conversation → reference → ticket in the real backend."""

from __future__ import annotations

import re

import httpx

from conftest import Conversation
from intake_script import CARPENTER_IN_GARBSEN_DE, IT_COMPANY_IN_HANNOVER_EN, run_intake

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


def test_german_intake_of_a_craft_business_in_garbsen_is_routed_to_the_hwk(
    german: Conversation, backend_url: str, credentials: dict
) -> None:
    summary = run_intake(german, CARPENTER_IN_GARBSEN_DE)
    for shown in (
        "Tischlerei Sonnenschein GmbH",
        "Garbsen",
        "Tunesien",
        "01.03.2027",
        "52.000 €",
        "Region Hannover",
        "Datenschutz",
    ):
        assert shown in summary
    reply = german.say_text("Ja, einverstanden")
    reference = REFERENCE.search(reply).group(0)
    assert "Handwerkskammer Hannover" in reply
    seen = find_ticket(backend_url, credentials, reference)
    assert list(seen) == ["hwk_hannover"]
    ticket = seen["hwk_hannover"]
    assert ticket["status"] == "submitted"
    assert ticket["routing"]["pre_check_org"]["id"] == "hwk_hannover"
    assert ticket["routing"]["recognition_body"]["id"] == "hwk_hannover"
    assert ticket["routing"]["forward_to"]["id"] == "zentralstelle"
    assert ticket["routing"]["after_entry_office"]["id"] == "abh_region_hannover"
    case = ticket["case"]
    assert case["workplace_municipality"] == "garbsen" and case["nationality"] == "TN"
    assert case["start_date"] == "2027-03-01" and case["family_members"] == 2
    assert case["contact_phone"] == "+49511123456" and case["salary_annual_eur"] == 52000
    items = {entry["item"] for entry in ticket["checklist"]}
    assert {"vollmacht", "passport_copy", "qualification_documents", "family_vollmacht"} <= items


def test_english_intake_of_an_it_company_in_hannover_is_routed_to_the_ihk(
    english: Conversation, backend_url: str, credentials: dict
) -> None:
    summary = run_intake(english, IT_COMPANY_IN_HANNOVER_EN)
    assert "Nordlicht Software AG" in summary and "India" in summary and "Privacy" in summary
    reply = english.say_text("yes, I agree")
    reference = REFERENCE.search(reply).group(0)
    assert "reference" in reply and "IHK Hannover" in reply
    ticket = find_ticket(backend_url, credentials, reference)["ihk_hannover"]
    assert ticket["routing"]["after_entry_office"]["id"] == "abh_landeshauptstadt_hannover"
    assert ticket["case"]["contact_email"] == "jobs@nordlicht-software.de"
    assert "contact_phone" not in ticket["case"]


def test_declined_consent_creates_no_ticket(german: Conversation) -> None:
    run_intake(german, CARPENTER_IN_GARBSEN_DE)
    reply = german.say_text("nein, lieber nicht")
    assert not REFERENCE.search(reply)
    assert "nichts übermittelt" in reply


def test_invalid_answers_are_explained_and_asked_again(german: Conversation) -> None:
    for answer in CARPENTER_IN_GARBSEN_DE[:3]:
        german.say_text(answer)
    assert "21 Städte" in german.say_text("Kleinkleckersdorf")
    german.say_text("Garbsen")
    german.say_text("Tischler")
    german.say_text('/inform{"choice": "none"}')
    assert "Betrag" in german.say_text("ganz gut")


def test_a_place_outside_the_region_ends_with_what_to_do(english: Conversation) -> None:
    for answer in IT_COMPANY_IN_HANNOVER_EN[:3]:
        english.say_text(answer)
    english.say_text("Hamburg")
    reply = english.say_text('/inform{"choice": "outside_region"}')
    assert "outside the Region Hannover" in reply and not REFERENCE.search(reply)


def test_places_near_hannover_the_region_and_villages_are_read_as_people_mean_them(german: Conversation) -> None:
    for answer in CARPENTER_IN_GARBSEN_DE[:3]:
        german.say_text(answer)
    assert "außerhalb der Region Hannover" in german.say_text("Peine bei Hannover")
    assert "außerhalb der Region Hannover" in german.say_text("Lehre")
    assert "21 Städte" in german.say_text("Region Hannover")
    assert "Für welchen Beruf" in german.say_text("Steinhude")  # Wunstorf: the next question comes
