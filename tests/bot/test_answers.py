"""Answers: every topic in both languages, every figure from facts.yml (B19), sources, referrals."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import yaml

from bot.answers import ANSWERS_PATH, TOPICS, UnknownTopicError, render, templates
from bot.answers.formatting import format_money, format_value
from bot.knowledge import MissingValue, knowledge

DAY = date(2026, 11, 26)
LANGUAGES = ("de", "en")
RESIDENCE_TITLES = ("18a", "18b", "blue_card", "19c2", "16d", "16a", "chancenkarte", "it_specialist")
OCCUPATION_GROUPS = (
    "ihk", "craft", "health", "doctors", "teachers", "erzieher", "engineer", "university", "dab", "it", "regulated_academic"
)  # fmt: skip
ZENTRALSTELLE_CONTACT = ("0541 66888 200", "fachkraefteeinwanderung@lab.niedersachsen.de")
MONEY = {
    "de": re.compile(r"\d{1,3}(?:\.\d{3})*(?:,\d+)?(?:–\d{1,3}(?:\.\d{3})*(?:,\d+)?)? €"),
    "en": re.compile(r"€\d{1,3}(?:,\d{3})*(?:\.\d+)?(?:–\d{1,3}(?:,\d{3})*(?:\.\d+)?)?"),
}
DURATION = {
    "de": re.compile(r"\d+(?:,\d+)? (?:Monat|Woche|Jahr|Arbeitstag)\w*"),
    "en": re.compile(r"\d+(?:\.\d+)? (?:month|week|year|working day)s?"),
}


def _all_renderings() -> list[tuple[str, dict[str, str]]]:
    cases: list[tuple[str, dict[str, str]]] = [(topic, {}) for topic in TOPICS]
    cases += [("residence_title", {"residence_title": t}) for t in RESIDENCE_TITLES]
    cases += [
        ("salary_threshold", {"residence_title": t})
        for t in ("blue_card", "19c2", "it_specialist", "18a", "18b", "16a")
    ]
    cases += [("recognition_body", {"occupation_group": g}) for g in OCCUPATION_GROUPS]
    cases += [("costs_overview", {"occupation_group": g}) for g in OCCUPATION_GROUPS]
    return cases


ALL_RENDERINGS = _all_renderings()


def _formatted_values(fact_ids: tuple[str, ...], language: str, day: date) -> list[str]:
    """Every way a cited fact may legitimately appear: its value on ``day`` or its last known value."""
    kb = knowledge()
    texts = []
    for fact_id in fact_ids:
        lookup = kb.value_on(fact_id, day)
        period = lookup.last_known if isinstance(lookup, MissingValue) else lookup.period
        if period is None or period.value is None:
            continue
        for dative in (False, True):
            texts.append(format_value(period.value, lookup.fact.unit, language, dative))
    return texts


def _language_neutral(fact_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Text facts kept per language (``zentralstelle_hours_de``/``_en``) count as one fact."""
    return tuple(re.sub(r"_(de|en)$", "", fact_id) for fact_id in fact_ids)


def _amounts(text: str, language: str) -> list[Decimal]:
    found = []
    for match in MONEY[language].findall(text):
        for part in match.replace("€", "").strip().split("–"):
            digits = part.replace(".", "").replace(",", ".") if language == "de" else part.replace(",", "")
            found.append(Decimal(digits))
    return sorted(found)


DAYS = (date(2024, 6, 1), date(2025, 12, 31), date(2026, 1, 1), DAY, date(2027, 1, 1))


@pytest.mark.parametrize("day", DAYS, ids=str)
@pytest.mark.parametrize(("topic", "params"), ALL_RENDERINGS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_topic_renders_with_figures_only_from_facts(
    topic: str, params: dict[str, str], language: str, day: date
) -> None:
    answer = render(topic, language, day, params)
    allowed = _formatted_values(answer.facts, language, day)
    for pattern in (MONEY[language], DURATION[language]):
        for figure in pattern.findall(answer.text):
            assert any(figure in value or value in figure for value in allowed), (topic, figure)


@pytest.mark.parametrize("day", DAYS, ids=str)
@pytest.mark.parametrize(("topic", "params"), ALL_RENDERINGS)
def test_german_and_english_state_the_same_figures(topic: str, params: dict[str, str], day: date) -> None:
    german, english = render(topic, "de", day, params), render(topic, "en", day, params)
    assert _language_neutral(german.facts) == _language_neutral(english.facts)
    assert _amounts(german.text, "de") == _amounts(english.text, "en")
    assert german.referral == english.referral
    assert [payload for _, payload in german.buttons] == [payload for _, payload in english.buttons]


@pytest.mark.parametrize(("topic", "params"), ALL_RENDERINGS)
def test_answers_citing_facts_name_their_source_and_checked_date(topic: str, params: dict[str, str]) -> None:
    german, english = render(topic, "de", DAY, params), render(topic, "en", DAY, params)
    if german.facts:
        assert "Quelle:" in german.text and "Stand: 25.11.2026" in german.text
        assert "Source:" in english.text and "Checked: 25 November 2026" in english.text
        for fact_id in german.facts:
            fact = knowledge().fact(fact_id)
            assert (fact.source in german.text) == fact.verified, "sources name only stated (verified) facts"


@pytest.mark.parametrize(
    "topic", [t for t in TOPICS if t not in ("welcome_center", "data_protection", "capabilities", "human_contact")]
)
def test_rule_answers_say_they_are_not_legal_advice(topic: str) -> None:
    assert "keine Rechtsberatung" in render(topic, "de", DAY).text
    assert "not legal advice" in render(topic, "en", DAY).text


def test_template_file_covers_exactly_the_intent_topics() -> None:
    assert set(templates().topics) == set(TOPICS)


def test_templates_contain_no_literal_figures() -> None:
    raw = ANSWERS_PATH.read_text(encoding="utf-8")
    without_placeholders = re.sub(r"\{[^}]*\}", "", raw)
    literal = re.compile(r"\d\s*(€|%|Monat|Woche|Jahr|Tag|month|week|year|day)|€\s*\d")
    assert not literal.findall(without_placeholders)


def test_every_placeholder_names_a_known_fact() -> None:
    raw = yaml.safe_load(ANSWERS_PATH.read_text(encoding="utf-8"))
    names = set(re.findall(r"\{([a-z0-9_]+)(?::dat)?\}", yaml.safe_dump(raw["topics"])))
    names -= {"day", "operator"}
    assert names <= set(knowledge().facts)


def test_unknown_topic_raises_a_clear_error() -> None:
    with pytest.raises(UnknownTopicError, match="unknown answer topic 'fee_unicorns'"):
        render("fee_unicorns", "de", DAY)


def test_unsupported_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        render("fee_procedure", "fr", DAY)


def test_fee_procedure_states_fee_debtor_refund_and_family() -> None:
    german = render("fee_procedure", "de", DAY).text
    english = render("fee_procedure", "en", DAY).text
    assert "411 €" in german and "Gebührenschuldner" in german and "Keine Erstattung" in german
    assert "€411" in english and "fee debtor" in english and "No refund" in english
    assert "Familienangehörige" in german and "family" in english.lower()
    assert "§ 47 Abs. 1 Nr. 15 AufenthV" in german


def test_numbers_are_formatted_per_language_with_exact_decimals() -> None:
    assert format_money(Decimal("411"), "de") == "411 €"
    assert format_money(Decimal("411"), "en") == "€411"
    assert format_money(Decimal("50700"), "de") == "50.700 €"
    assert format_money(Decimal("50700"), "en") == "€50,700"
    assert format_money(Decimal("45934.20"), "de") == "45.934,20 €"
    assert format_money(Decimal("45934.20"), "en") == "€45,934.20"
    assert format_money(Decimal("37.50"), "de") == "37,50 €"


def test_blue_card_answer_shows_2026_thresholds_with_exact_decimals() -> None:
    german = render("residence_title", "de", DAY, {"residence_title": "blue_card"}).text
    english = render("residence_title", "en", DAY, {"residence_title": "blue_card"}).text
    assert "50.700 €" in german and "45.934,20 €" in german
    assert "€50,700" in english and "€45,934.20" in english


def test_unverified_recognition_fees_are_referred_not_stated() -> None:
    for language in LANGUAGES:
        answer = render("fee_recognition", language, DAY)
        assert answer.referral
        amounts = _amounts(answer.text, language)
        assert Decimal("300") not in amounts and Decimal("208") not in amounts
        zab_line = next(line for line in answer.text.splitlines() if "ZAB" in line and "anabin" in line)
        assert "[" in zab_line and not MONEY[language].search(zab_line.split("anabin")[0])
        for contact in ZENTRALSTELLE_CONTACT:
            assert contact in answer.text
        assert "IHK Hannover" in answer.text and "Handwerkskammer Hannover" in answer.text
        assert "Welcome Center" in answer.text


def test_referral_gives_the_zentralstelle_hours() -> None:
    assert "Mo–Do 09:00–12:00 und 14:00–15:00 Uhr, Fr 09:00–12:00 Uhr" in render("fee_translation", "de", DAY).text
    assert "Mon–Thu 09:00–12:00 and 14:00–15:00, Fri 09:00–12:00" in render("fee_translation", "en", DAY).text


@pytest.mark.parametrize("topic", ["welcome_center", "after_entry", "human_contact", "responsibility"])
def test_no_unverified_address_is_ever_given(topic: str) -> None:
    for language in LANGUAGES:
        text = render(topic, language, DAY).text
        for address in ("Vahrenwalder", "Maschstraße", "Schützenplatz"):
            assert address not in text


def test_responsibility_before_july_2025_is_the_local_office() -> None:
    text = render("responsibility", "de", date(2025, 3, 1)).text
    assert "Ausländerbehörde am Arbeitsort" in text
    assert "fachkraefteverfahren-abh@hannover-stadt.de" in text
    assert "allein die Zentralstelle" not in text


def test_responsibility_in_the_second_half_of_2025_offers_a_choice() -> None:
    text = render("responsibility", "en", date(2025, 8, 1)).text
    assert "can choose" in text and "1 January 2026" in text


def test_responsibility_from_2026_is_the_zentralstelle_with_contact() -> None:
    text = render("responsibility", "de", date(2026, 1, 1)).text
    assert "allein die Zentralstelle" in text
    assert all(contact in text for contact in ZENTRALSTELLE_CONTACT)
    assert "hannover-stadt.de" not in text, "historical e-mail addresses must not be offered after 2025"


def test_residence_title_overview_offers_a_button_per_title() -> None:
    answer = render("residence_title", "en", DAY)
    payloads = [payload for _, payload in answer.buttons]
    assert payloads == [f'/ask_residence_title{{"residence_title":"{t}"}}' for t in RESIDENCE_TITLES[:2]] + [
        f'/ask_residence_title{{"residence_title":"{t}"}}'
        for t in ("blue_card", "19c2", "it_specialist", "16d", "16a", "chancenkarte")
    ]


def test_each_residence_title_has_its_own_text() -> None:
    texts = {render("residence_title", "de", DAY, {"residence_title": t}).text for t in RESIDENCE_TITLES}
    assert len(texts) == len(RESIDENCE_TITLES)


def test_unknown_residence_title_falls_back_to_the_overview() -> None:
    assert render("residence_title", "de", DAY, {"residence_title": "x"}) == render("residence_title", "de", DAY)


def test_age_rule_uses_the_value_for_the_day() -> None:
    assert "53.130 €" in render("age_rule", "de", date(2025, 6, 1)).text
    assert "€55,770" in render("age_rule", "en", date(2026, 6, 1)).text


def test_preapproval_answer_carries_the_not_lower_saxony_specific_caveat() -> None:
    text = render("preapproval_validity", "de", DAY).text
    assert "in der Regel 3 Monate" in text and "Niedersachsen" in text


def test_capabilities_say_it_is_an_automated_assistant_without_legal_advice() -> None:
    assert "automatischer Assistent" in render("capabilities", "de", DAY).text
    assert "cannot: give binding legal advice" in render("capabilities", "en", DAY).text


@pytest.mark.parametrize("topic", [t for t in TOPICS if templates().topics[t].legal_notice])
def test_every_answer_stating_rules_names_a_source(topic: str) -> None:
    answer = render(topic, "de", DAY)
    assert answer.facts, f"{topic} states rules but cites no source"
    assert "Quelle:" in answer.text


def test_cited_rule_sources_exist_as_facts() -> None:
    for topic in templates().topics.values():
        for fact_id in topic.cites:
            assert knowledge().fact(fact_id).source


def test_chancenkarte_answer_in_2026_gives_the_2025_blocked_account_only_as_last_known() -> None:
    text = render("residence_title", "de", DAY, {"residence_title": "chancenkarte"}).text
    assert "zuletzt bekannt: 13.092 €, gültig bis 31.12.2025" in text
    assert "0541 66888 200" in text


def test_recognition_body_answer_accepts_an_occupation_name() -> None:
    by_name = render("recognition_body", "de", DAY, {"occupation": "Pflegefachfrau"})
    by_group = render("recognition_body", "de", DAY, {"occupation_group": "health"})
    assert by_name == by_group
    assert "Lüneburg" in by_name.text


def test_referrals_before_the_zentralstelle_existed_go_to_the_local_offices() -> None:
    text = render("fee_recognition", "de", date(2025, 3, 1)).text
    assert "fachkraefteverfahren-abh@hannover-stadt.de" in text
    assert "0541 66888 200" not in text and "kein Wert" not in text


def test_duration_mentions_the_zentralstelle_figure_only_once_it_was_reported() -> None:
    assert "2,5 Wochen" in render("duration_total", "de", DAY).text
    early = render("duration_total", "de", date(2025, 6, 1)).text
    assert "Zentralstelle selbst" not in early and "kein Wert" not in early


def test_buttons_only_use_intents_and_entities_of_the_domain() -> None:
    from pathlib import Path

    domain_path = Path(__file__).resolve().parents[2] / "domain.yml"
    domain = yaml.safe_load(domain_path.read_text(encoding="utf-8"))
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    entities = set(domain["entities"])
    for topic in TOPICS:
        for variant in templates().topics[topic].variants:
            for _, payload in variant.buttons:
                match = re.fullmatch(r"/(\w+)(\{.*\})?", payload)
                assert match and match.group(1) in intents, payload
                if match.group(2):
                    assert set(yaml.safe_load(match.group(2))) <= entities, payload


@pytest.mark.parametrize("group", OCCUPATION_GROUPS)
def test_recognition_body_buttons_send_a_group_the_answer_understands(group: str) -> None:
    assert render("recognition_body", "en", DAY, {"occupation": group}) == render(
        "recognition_body", "en", DAY, {"occupation_group": group}
    )


# ---------------------------------------------------------------- issue 13 R7: topics added from the facts file


def test_refusal_has_no_legal_remedy_and_the_route_is_a_formal_visa_application() -> None:
    german, english = render("refusal_remedy", "de", DAY), render("refusal_remedy", "en", DAY)
    assert "keinen Rechtsbehelf" in german.text and "formal einen Visumantrag" in german.text
    assert "no legal remedy" in english.text and "formally apply for a visa" in english.text
    assert "411 € wird bei negativem Ausgang nicht erstattet" in german.text
    assert "fachkraefte.zuwanderung.sachsen.de" in german.text, "the source of the rule is named"


def test_partial_recognition_leads_to_16d_with_its_figures() -> None:
    german = render("partial_recognition", "de", DAY).text
    english = render("partial_recognition", "en", DAY).text
    assert "§ 81a Abs. 3 Satz 2" in german and "§ 81a (3) sentence 2" in english
    assert "bis zu 24 Monaten" in german and "maximal 3 Jahre" in german
    assert "4 Punkte" in german and "4 points" in english
    assert "Punktetabelle stammt aus Zusammenfassungen Dritter" in german, "the points caveat is carried"


def test_existing_blue_card_holders_meet_a_new_threshold_only_at_extension_or_job_change() -> None:
    german = render("blue_card_existing_holders", "de", DAY).text
    english = render("blue_card_existing_holders", "en", DAY).text
    assert "verlängert" in german and "zustimmungspflichtig" in german
    assert "extended" in english and "job change needs approval" in english
    assert "50.700 €" in german and "€45,934.20" in english
    next_year = render("blue_card_existing_holders", "de", date(2027, 1, 15))
    assert "liegt uns kein Wert vor" in next_year.text and next_year.referral, "an unknown threshold is never a figure"


def test_framework_agreement_still_needs_an_agreement_per_worker() -> None:
    assert "eigene Vereinbarung" in render("framework_agreement", "de", DAY).text
    assert "individual agreement" in render("framework_agreement", "en", DAY).text


def test_sub_power_of_attorney_lets_a_lawyer_or_agency_act() -> None:
    german, english = render("sub_power_of_attorney", "de", DAY).text, render("sub_power_of_attorney", "en", DAY).text
    assert "Untervollmacht" in german and "Anwaltskanzlei" in german
    assert "sub-power of attorney" in english and "law firm" in english


def test_worker_in_germany_cannot_use_the_procedure_and_is_referred_to_the_local_office() -> None:
    answer = render("worker_in_germany", "en", DAY)
    assert "cannot use it" in answer.text
    assert answer.referral
    assert "immigration office at the worker's place of residence" in answer.text
    assert "Welcome Center Region Hannover" in answer.text
    assert "€98" in answer.text, "change of purpose fee from § 45 Nr. 3 AufenthV"


def test_language_requirements_state_only_the_levels_the_facts_give() -> None:
    german = render("language_requirements", "de", DAY)
    assert "in der Regel B1" in german.text and "Deutsch A1 oder Englisch B2" in german.text
    assert "(§ 16d Abs. 3): A2" in german.text
    assert german.referral, "regulated professions' language levels are referred, not guessed"


def test_regulated_professions_name_nizza_and_ls_lueneburg() -> None:
    german = render("regulated_profession", "de", DAY).text
    assert "NiZzA" in german and "Auf der Hude 2, 21339 Lüneburg" in german
    assert "53 zulassungspflichtigen Handwerken" in german
    assert "ersetzt die berufliche Anerkennung nicht" in german


def test_zab_statement_names_anabin_h_plus_and_two_months_but_not_the_unsettled_fee() -> None:
    answer = render("zab_evaluation", "de", DAY)
    assert "„H+“" in answer.text and "2 Monate" in answer.text
    assert "200 €" not in answer.text and "208 €" not in answer.text, "the ZAB fee is disputed (section 9 no. 1)"
    assert answer.referral


def test_the_whole_cost_of_a_case_is_answered_with_the_bodys_range_and_the_case_check_offered_after() -> None:
    german = render("costs_overview", "de", DAY, {"occupation": "Tischler"})
    english = render("costs_overview", "en", DAY, {"occupation": "Tischler"})
    for figure in ("411 €", "75 €", "100 €", "100–600 €"):
        assert figure in german.text
    assert "Handwerkskammer Hannover" in german.text
    assert "Translations by sworn translators" in english.text
    assert german.buttons == [("Meinen Fall prüfen", "/start_pathfinder")]
    assert english.buttons == [("Check my case", "/start_pathfinder")]
    assert german.text.index("411 €") < german.text.index("prüfe ich danach"), "the answer comes first"


def test_the_cost_answer_for_a_health_profession_refers_for_the_unquantified_fee() -> None:
    answer = render("costs_overview", "de", DAY, {"occupation": "Pflegefachfrau"})
    assert "Landesamt für Soziales" in answer.text and answer.referral
