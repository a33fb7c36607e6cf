"""Checklist: the LAB NI base list, extended or trimmed by the case."""

from __future__ import annotations

from bot.checklist import ChecklistCase, all_items, checklist_for, ticket_checklist

BASE = [
    "vollmacht",
    "passport_copy",
    "job_offer_contract",
    "erklaerung_beschaeftigungsverhaeltnis",
    "qualification_documents",
    "tabular_cv_german",
    "work_references",
    "no_recognition_application_declaration",
    "employer_contact_authorisation",
    "agreement_signatory",
    "translations",
]


def _ids(case: ChecklistCase) -> list[str]:
    return [item.id for item in checklist_for(case)]


def test_standard_case_gets_the_base_list_in_order() -> None:
    assert _ids(ChecklistCase()) == BASE


def test_family_members_add_their_powers_of_attorney_and_passports() -> None:
    ids = _ids(ChecklistCase(family_members=2))
    assert {"family_vollmacht", "family_passports", "family_reunification_proof"} <= set(ids)
    assert "family_vollmacht" not in _ids(ChecklistCase(family_members=0))


def test_regulated_profession_adds_the_licence() -> None:
    assert "professional_licence" in _ids(ChecklistCase(regulated_profession=True))
    assert "professional_licence" not in _ids(ChecklistCase())


def test_vocational_training_adds_contract_and_register_but_follow_up_only_when_school_based() -> None:
    in_company = _ids(ChecklistCase(vocational_training=True, recognition_needed=False))
    assert {"training_contract", "training_register_confirmation"} <= set(in_company)
    assert "follow_up_employment_promise" not in in_company
    assert "follow_up_employment_promise" in _ids(ChecklistCase(school_based_training=True))


def test_without_recognition_the_qualification_documents_are_dropped() -> None:
    ids = _ids(ChecklistCase(recognition_needed=False))
    assert "qualification_documents" not in ids and "no_recognition_application_declaration" not in ids
    assert "vollmacht" in ids


def test_representative_and_language_certificate_are_added_when_needed() -> None:
    ids = _ids(ChecklistCase(uses_representative=True, language_certificate_needed=True))
    assert "untervollmacht" in ids and "language_certificate" in ids


def test_every_item_has_a_unique_id_and_labels_in_both_languages() -> None:
    items = all_items()
    assert len({item.id for item in items}) == len(items)
    for item in items:
        assert item.label("de").strip() and item.label("en").strip() and item.label("de") != item.label("en")


def test_ticket_checklist_has_the_contract_shape() -> None:
    assert ticket_checklist(ChecklistCase())[0] == {"item": "vollmacht", "state": "missing"}
