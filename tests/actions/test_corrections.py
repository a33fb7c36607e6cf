"""C4: the user corrects a field during the intake or at the summary; the new value is what the
ticket gets (the summary is shown again before consent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import ValidateIntakeForm
from bot.texts import text
from trackers import tracker_with, user_event

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
ANSWERED = {
    "language": "de",
    "company_name": "Tischlerei Eiche",
    "business_type": "craft",
    "workplace_municipality": "lehrte",
    "occupation": "Tischler",
    "pf_qualification": "vocational",
    "pf_recognition": "not_started",
    "pf_salary": 52000.0,
    "pf_collective_agreement": "no",
    "pf_age_45": "no",
    "nationality": "TN",
    "country_of_residence": "TN",
    "start_date": "2027-03-01",
    "family_members": 0,
    "residence_municipality": "skipped",
    "contact_name": "Anna Eiche",
    "contact_email": "anna@eiche.de",
    "contact_phone": "+49511123456",
}


def entity(name: str, value: str) -> Dict[str, Any]:
    return {"entity": name, "value": value}


async def run(
    typed: str,
    intent: str,
    requested: str,
    entities: Optional[List[dict]] = None,
    confidence: float = 0.95,
    slots: Optional[Dict[str, Any]] = None,
    answered_last: str = "contact_phone",
) -> tuple[Dict[str, Any], List[str]]:
    """The slots the validation sets (name → value) and what it says."""
    event = user_event(typed, intent, entities)
    event["parse_data"]["intent"]["confidence"] = confidence
    answer = {"event": "slot", "name": answered_last, "value": (slots or ANSWERED).get(answered_last)}
    tracker = tracker_with([answer, event], slots={**(slots or ANSWERED), "requested_slot": requested})
    dispatcher = CollectingDispatcher()
    events = await ValidateIntakeForm().run(dispatcher, tracker, DOMAIN)
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, [m["text"] for m in dispatcher.messages]


async def test_no_and_a_place_at_the_summary_changes_the_workplace_and_asks_consent_again() -> None:
    slots, said = await run("nein, Garbsen", "deny", "consent", [entity("municipality", "Garbsen")])
    assert slots["workplace_municipality"] == "garbsen"
    assert slots["consent"] is None and slots["requested_slot"] == "consent"
    assert "Garbsen" in said[0] and "Arbeitsort" in said[0]


async def test_a_place_near_hannover_is_not_taken_for_hannover_in_a_correction() -> None:
    slots, said = await run("nein, Peine bei Hannover", "deny", "consent", [entity("municipality", "Hannover")])
    assert slots.get("workplace_municipality") is None and slots["requested_slot"] == "workplace_municipality"


async def test_a_place_named_last_wins_and_the_residence_can_be_meant() -> None:
    typed = "Der Wohnort ist nicht Laatzen, sondern Hemmingen"
    entities = [entity("field", "residence_municipality")]
    slots, _ = await run(typed, "correct_field", "consent", entities)
    assert slots["residence_municipality"] == "hemmingen" and "workplace_municipality" not in slots


async def test_a_named_field_without_a_new_value_is_asked_again_then_the_form_goes_on() -> None:
    slots, said = await run(
        "the e-mail is wrong",
        "correct_field",
        "contact_phone",
        [entity("field", "contact_email")],
        slots={**ANSWERED, "language": "en", "contact_phone": None},
    )
    assert slots["contact_email"] is None and slots["requested_slot"] == "contact_email"
    assert said == [text("correction_ask_again", "en", field="E-mail")]


async def test_a_correction_that_carries_the_new_email_applies_it() -> None:
    slots, said = await run(
        "Die Mail ist falsch, richtig ist neu@eiche.de", "correct_field", "consent", [entity("field", "contact_email")]
    )
    assert slots["contact_email"] == "neu@eiche.de" and slots["requested_slot"] == "consent"
    assert "neu@eiche.de" in said[0]


async def test_the_company_name_is_asked_again_when_it_is_wrong() -> None:
    slots, _ = await run("die Firma heißt anders", "correct_field", "consent", [entity("field", "company_name")])
    assert slots["company_name"] is None and slots["requested_slot"] == "company_name"


async def test_the_salary_is_the_path_finder_answer() -> None:
    slots, _ = await run("Beim Gehalt habe ich mich vertan", "correct_field", "consent", [entity("field", "salary")])
    assert slots["pf_salary"] is None and slots["requested_slot"] == "pf_salary"


async def test_an_unspecific_correction_at_the_summary_asks_which_detail_then_that_one() -> None:
    slots, _ = await run("Korrektur bitte", "correct_field", "consent")
    assert slots["requested_slot"] == "correction_field" and slots["consent"] is None
    slots, _ = await run(
        '/correct_field{"field": "occupation"}', "correct_field", "correction_field", [entity("field", "occupation")]
    )
    assert slots["occupation"] is None and slots["requested_slot"] == "occupation"
    slots, _ = await run("Telefonnummer", "inform", "correction_field", confidence=0.4)
    assert slots["contact_phone"] is None and slots["requested_slot"] == "contact_phone"


async def test_an_unspecific_correction_during_the_form_means_the_last_answer() -> None:
    slots, _ = await run(
        "Moment, das war falsch",
        "correct_field",
        "contact_email",
        answered_last="contact_name",
        slots={**ANSWERED, "contact_email": None, "contact_phone": None},
    )
    assert slots["contact_name"] is None and slots["requested_slot"] == "contact_name"


@pytest.mark.parametrize("typed", ["Korrekt Bau GmbH", "Fehlerfrei Software AG"])
async def test_an_answer_weakly_taken_for_a_correction_is_still_the_answer(typed: str) -> None:
    slots, _ = await run(typed, "correct_field", "company_name", confidence=0.6, slots={"language": "de"})
    assert slots["company_name"] == typed and slots["requested_slot"] == "business_type"


async def test_a_plain_no_at_the_summary_is_no_correction() -> None:
    slots, said = await run("nein", "deny", "consent")
    assert "workplace_municipality" not in slots and "consent" not in slots and said == []
