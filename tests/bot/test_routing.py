"""Routing: pre-check chamber, recognition body, § 81a authority by date, after-entry office."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from bot.knowledge import KNOWLEDGE_DIR
from bot.routing import (
    RoutingCase,
    after_entry_office,
    match_municipality,
    municipalities,
    occupation_group_for,
    pre_check_org,
    recognition_body,
    route,
)

AFTER_2026 = date(2026, 11, 26)
SURROUNDING = [
    "barsinghausen", "burgdorf", "burgwedel", "garbsen", "gehrden", "hemmingen", "isernhagen", "laatzen",
    "langenhagen", "lehrte", "neustadt_am_ruebenberge", "pattensen", "ronnenberg", "seelze", "sehnde",
    "springe", "uetze", "wedemark", "wennigsen_deister", "wunstorf",
]  # fmt: skip


def test_region_has_exactly_the_21_municipalities_of_the_facts() -> None:
    ids = [m.id for m in municipalities()]
    assert sorted(ids) == sorted([*SURROUNDING, "hannover"])


def test_municipality_file_names_the_sources_of_its_postcodes_and_districts() -> None:
    raw_text = (KNOWLEDGE_DIR / "municipalities.yml").read_text(encoding="utf-8")
    assert "# - postcodes:" in raw_text and "# - districts" in raw_text and "# - outside_places:" in raw_text
    raw = yaml.safe_load(raw_text)
    assert all(entry["postcodes"] for entry in raw["municipalities"]), "every municipality has its postcodes"


@pytest.mark.parametrize(
    ("business_type", "expected"),
    [("craft", "hwk_hannover"), ("industry_trade", "ihk_hannover"), ("neither", "welcome_center")],
)
def test_pre_check_goes_to_the_chamber_of_the_business(business_type: str, expected: str) -> None:
    assert pre_check_org(business_type).id == expected


def test_unknown_business_type_is_refused() -> None:
    with pytest.raises(ValueError, match="business type"):
        pre_check_org("farm")


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (RoutingCase(business_type="craft", occupation="Tischler", qualification_type="vocational"), "hwk_hannover"),
        (RoutingCase(occupation="Industriekaufmann", qualification_type="vocational"), "ihk_hannover"),
        (
            RoutingCase(business_type="industry_trade", occupation="Chemikant", qualification_type="vocational"),
            "ihk_hannover",
        ),
        (RoutingCase(business_type="craft", occupation="Orgelbauer", qualification_type="vocational"), "hwk_hannover"),
        (RoutingCase(occupation="Pflegefachfrau", qualification_type="vocational"), "ls_lueneburg"),
        (RoutingCase(occupation="Krankenschwster", qualification_type="vocational"), "ls_lueneburg"),
        (RoutingCase(occupation="Zahnarzt", qualification_type="university"), "nizza"),
        (RoutingCase(occupation="Data Scientist", qualification_type="university"), "zab"),
        (RoutingCase(occupation_group="dab"), "zab"),
    ],
)
def test_recognition_body_by_occupation(case: RoutingCase, expected: str) -> None:
    body, note = recognition_body(case)
    assert body is not None and body.id == expected
    assert note in (None, "recognition_body_assumed_from_business_type")


@pytest.mark.parametrize(
    "case",
    [
        RoutingCase(occupation="Softwareentwickler", qualification_type="it_experience"),
        RoutingCase(business_type="industry_trade", occupation="Fachinformatiker", qualification_type="it_experience"),
        RoutingCase(business_type="industry_trade", occupation="Fachinformatiker", qualification_type="none"),
        RoutingCase(business_type="industry_trade", occupation="software developer", qualification_type="none"),
        RoutingCase(business_type="industry_trade", qualification_type="it_experience"),
    ],
)
def test_it_specialists_without_a_degree_need_no_recognition_body(case: RoutingCase) -> None:
    assert recognition_body(case) == (None, "recognition_not_needed_it_specialist")


@pytest.mark.parametrize(("qualification", "expected"), [("university", "zab"), ("vocational", "ihk_hannover")])
def test_it_specialists_with_a_qualification_go_to_the_body_for_it(qualification: str, expected: str) -> None:
    body, _ = recognition_body(RoutingCase(occupation="Softwareentwickler", qualification_type=qualification))
    assert body is not None and body.id == expected


def test_without_any_formal_qualification_there_is_nothing_to_recognise() -> None:
    case = RoutingCase(business_type="craft", occupation="Tischler", qualification_type="none")
    assert recognition_body(case) == (None, "recognition_not_possible_without_qualification")


@pytest.mark.parametrize(
    "occupation", ["Apotheker", "Apothekerin", "pharmacist", "Tierärztin", "veterinarian", "Psychotherapeut"]
)
def test_regulated_academic_professions_get_the_licensing_referral_not_the_zab(occupation: str) -> None:
    body, note = recognition_body(RoutingCase(occupation=occupation, qualification_type="university"))
    assert body is None and note == "recognition_body_unverified_regulated_academic"


@pytest.mark.parametrize("occupation", ["Ingenieur", "Bauingenieurin", "mechanical engineer"])
def test_engineers_go_to_the_zab_for_the_visa_and_the_chamber_only_for_the_title(occupation: str) -> None:
    body, note = recognition_body(RoutingCase(occupation=occupation, qualification_type="university"))
    assert body is not None and body.id == "zab"
    assert note == "title_only_ingenieurkammer_niedersachsen"


def test_ihk_occupations_go_to_ihk_hannover_never_ihk_fosa() -> None:
    body, _ = recognition_body(RoutingCase(occupation="Fachinformatiker", qualification_type="vocational"))
    assert body is not None and body.id == "ihk_hannover" and "FOSA" not in body.name_de


@pytest.mark.parametrize("occupation", ["Lehrerin", "Erzieher"])
def test_teachers_and_educators_get_a_referral_not_a_guessed_body(occupation: str) -> None:
    body, note = recognition_body(RoutingCase(occupation=occupation, qualification_type="university"))
    assert body is None and note is not None and note.startswith("recognition_body_unverified")


def test_unknown_vocational_occupation_of_a_neutral_business_is_left_open() -> None:
    body, note = recognition_body(RoutingCase(occupation="Orgelbauer", qualification_type="vocational"))
    assert body is None and note == "recognition_body_unknown"


def test_occupation_matching_tolerates_typos_but_not_unrelated_words() -> None:
    group = occupation_group_for("Physiotherapeutn")
    assert group is not None and group.id == "health"
    assert occupation_group_for("Bürokauffrau für Marketing") is None


@pytest.mark.parametrize(
    ("day", "workplace", "expected"),
    [
        (date(2025, 12, 31), "garbsen", "abh_region_hannover"),
        (date(2025, 12, 31), "hannover", "abh_landeshauptstadt_hannover"),
        (date(2026, 1, 1), "garbsen", "zentralstelle"),
        (date(2026, 1, 1), "hannover", "zentralstelle"),
    ],
)
def test_forward_to_follows_the_change_of_competence_on_1_january_2026(
    day: date, workplace: str, expected: str
) -> None:
    routing = route(RoutingCase(workplace_municipality=workplace), day)
    assert routing.forward_to is not None and routing.forward_to.id == expected


def test_forward_to_before_2026_without_workplace_is_explained() -> None:
    routing = route(RoutingCase(), date(2025, 6, 1))
    assert routing.forward_to is None and routing.notes["forward_to"] == "workplace_unknown"


def test_hannover_residents_go_to_the_city_immigration_office_after_entry() -> None:
    office, _ = after_entry_office("hannover")
    assert office is not None and office.id == "abh_landeshauptstadt_hannover"


@pytest.mark.parametrize("municipality", SURROUNDING)
def test_residents_of_the_other_20_go_to_the_region_immigration_office(municipality: str) -> None:
    office, _ = after_entry_office(municipality)
    assert office is not None and office.id == "abh_region_hannover"


def test_unknown_residence_gives_no_office_but_a_reason() -> None:
    assert after_entry_office(None) == (None, "depends_on_residence")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Garbsn", "garbsen"),
        ("Neustadt a. Rbge.", "neustadt_am_ruebenberge"),
        ("neustadt am rübenberge", "neustadt_am_ruebenberge"),
        ("Wennigsen", "wennigsen_deister"),
        ("Langenhgen", "langenhagen"),
        ("HANNOVER", "hannover"),
        ("Hannover-Linden", "hannover"),
        ("Hanover", "hannover"),
    ],
)
def test_municipality_names_are_matched_despite_typos_and_abbreviations(text: str, expected: str) -> None:
    match = match_municipality(text)
    assert match.inside_region and match.municipality is not None and match.municipality.id == expected


@pytest.mark.parametrize("text", ["Hildesheim", "Osnabrück", "Celle", "Neustadt an der Weinstraße", "Berlin"])
def test_places_outside_the_region_are_reported_as_outside(text: str) -> None:
    match = match_municipality(text)
    assert not match.inside_region and match.municipality is None


def test_ticket_routing_has_ids_and_display_names_as_in_the_contract() -> None:
    case = RoutingCase(
        business_type="craft",
        occupation="Tischler",
        qualification_type="vocational",
        workplace_municipality="garbsen",
        residence_municipality="hannover",
    )
    ticket = route(case, AFTER_2026).as_ticket("de")
    assert ticket == {
        "pre_check_org": {"id": "hwk_hannover", "name": "Handwerkskammer Hannover"},
        "recognition_body": {"id": "hwk_hannover", "name": "Handwerkskammer Hannover"},
        "forward_to": {
            "id": "zentralstelle",
            "name": "Zentralstelle für das beschleunigte Fachkräfteverfahren (LAB NI, Osnabrück)",
        },
        "after_entry_office": {
            "id": "abh_landeshauptstadt_hannover",
            "name": "Ausländerbehörde Landeshauptstadt Hannover",
        },
    }


def test_from_2026_the_unverified_continuation_of_the_chamber_pre_check_is_noted() -> None:
    assert route(RoutingCase(), AFTER_2026).notes["pre_check_org"] == "cooperation_continuation_unverified"
    assert "pre_check_org" not in route(RoutingCase(workplace_municipality="garbsen"), date(2025, 6, 1)).notes


def test_every_body_and_office_in_the_data_files_is_a_known_organisation() -> None:
    from bot.routing import occupation_groups, organisation

    for group in occupation_groups().values():
        if group.body:
            assert organisation(group.body).name_de
    for municipality in municipalities():
        assert organisation(municipality.after_entry_office).name_en


def test_unlisted_occupation_is_routed_by_chamber_and_the_assumption_is_noted() -> None:
    body, note = recognition_body(RoutingCase(business_type="craft", occupation="Orgelbauer"))
    assert body is not None and body.id == "hwk_hannover"
    assert note == "recognition_body_assumed_from_business_type"
    listed_body, listed_note = recognition_body(RoutingCase(business_type="craft", occupation="Tischler"))
    assert listed_body is not None and listed_body.id == "hwk_hannover" and listed_note is None


def test_second_half_of_2025_notes_that_the_zentralstelle_was_optional() -> None:
    routing = route(RoutingCase(workplace_municipality="lehrte"), date(2025, 9, 1))
    assert routing.forward_to is not None and routing.forward_to.id == "abh_region_hannover"
    assert routing.notes["forward_to"] == "zentralstelle_optional"
    assert "forward_to" not in route(RoutingCase(workplace_municipality="lehrte"), date(2025, 6, 30)).notes
