"""The user's own figures and claims are answered with the knowledge file's values."""

from datetime import date

import pytest

from bot.answers.formatting import format_money, format_value
from bot.knowledge import value_on
from bot.understanding.notes import notes_for
from bot.understanding.reading import read_message
from bot.understanding.slots import context_slots

DAY = date(2026, 11, 26)


def notes(message: str, topic: str, language: str = "en") -> str:
    return "\n".join(notes_for(read_message(message), message, topic, language, DAY).paragraphs)


def fact(fact_id: str, language: str = "en", unit: str = "EUR") -> str:
    return format_value(value_on(fact_id, DAY).value, unit, language)


def test_a_monthly_salary_below_the_blue_card_threshold_gets_no_with_the_numbers() -> None:
    said = notes("we offer 3,600 € a month to an engineer — enough for a Blue Card?", "salary_threshold")
    assert "€3,600 a month × 12 = €43,200" in said
    assert f"threshold {fact('salary_blue_card_general')} – no, your offer is" in said
    assert "§ 18g" in said


def test_a_salary_above_the_threshold_gets_yes() -> None:
    said = notes("Wir zahlen 55.000 Euro im Jahr, reicht das für die Blaue Karte?", "salary_threshold", "de")
    assert f"Grenze {fact('salary_blue_card_general', 'de')} – ja" in said


def test_age_45_or_over_gets_the_rule_with_its_current_figure() -> None:
    said = notes(
        "We run a car repair shop in Burgdorf, the mechanic is 52. Which chamber is responsible?", "responsibility"
    )
    assert "The worker is 52" in said and fact("salary_age_45_plus") in said
    assert "Handwerkskammer Hannover" in said


def test_age_and_salary_together_are_compared_with_the_45_plus_threshold() -> None:
    said = notes("Sie ist 46 und bekommt 4.000 € im Monat. Reicht das?", "salary_threshold", "de")
    assert f"Grenze {fact('salary_age_45_plus', 'de')} – nein" in said


def test_under_45_the_age_rule_is_said_not_to_apply_when_asked_about() -> None:
    assert "does not apply" in notes("Does the age rule matter? He is 38.", "age_rule")
    assert notes("He is 38. What does the visa cost?", "fee_visa") == ""


@pytest.mark.parametrize(
    ("message", "topic", "expected"),
    [
        (
            "I read that the employment agency has two weeks to approve — right?",
            "deadline_ba",
            "not right. The right figure is 1 week",
        ),
        ("a consultant told us the whole thing costs 75 euros", "fee_procedure", "The right figure is €411, not €75"),
        ("Is it true the procedure fee is 411 euros?", "fee_procedure", "Yes, that is right: €411"),
        ("Someone told me it takes 4 months overall, correct?", "duration_total", "Yes, that is right: about 4 months"),
    ],
)
def test_claims_are_confirmed_or_corrected_with_the_source(message: str, topic: str, expected: str) -> None:
    said = notes(message, topic)
    assert expected in said and "source:" in said


def test_a_wrong_claim_names_the_fact_source_in_german() -> None:
    said = notes("Ich habe gelesen, die Arbeitsagentur hat 14 Tage Zeit?", "deadline_ba", "de")
    assert "Das stimmt so nicht. Richtig ist: 1 Woche, nicht 14 Tage" in said and "§ 36 Abs. 2 BeschV" in said


def test_business_type_names_the_pre_check_chamber() -> None:
    assert "IHK Hannover" in notes("We are a logistics company in Laatzen. Who is responsible?", "responsibility")


def test_context_fills_the_path_finder_and_intake_slots_once() -> None:
    context = read_message(
        "Car repair shop in Burgdorf, the mechanic is 52, from Egypt, we pay 4,000 € a month"
    ).context
    slots = context_slots(context, {"nationality": "TR"}, DAY)
    assert slots == {
        "business_type": "craft",
        "workplace_municipality": "burgdorf",
        "occupation": "mechanic",
        "pf_salary": 48000.0,
        "pf_age_45": "yes",
    }


def test_money_is_formatted_like_the_answers() -> None:
    assert format_money(value_on("fee_accelerated_procedure", DAY).value, "en") in notes(
        "they say it costs 75 euros?", "fee_procedure"
    )


def test_a_figure_that_is_no_claim_is_not_corrected() -> None:
    assert notes("We need the worker here in 3 months. How long does the procedure take?", "duration_total") == ""


def test_a_vocational_worker_s_salary_is_checked_by_the_agency_not_against_the_blue_card() -> None:
    said = notes("does my mechanic need a minimum wage for visa? he is 30, i pay 2900 a month", "salary_threshold")
    assert "no general salary threshold" in said and "Blue Card" not in said


def test_an_older_vocational_worker_is_compared_with_the_45_plus_threshold() -> None:
    said = notes("Unser Fahrer ist 58 und verdient 3.500. Können wir das Verfahren nutzen?", "eligibility", "de")
    assert f"Grenze {fact('salary_age_45_plus', 'de')} – nein, nicht erreicht" in said


def test_a_claimed_range_is_corrected_as_a_range() -> None:
    said = notes("A relocation firm promises 4-8 weeks total with fast-track. Is that realistic?", "duration_total")
    assert "about 4 months, not 4–8 weeks" in said


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("Do we pay the 411 euro fee again for each family member?", "en"),
        ("Zahlen wir die 411 Euro für jedes Familienmitglied noch mal?", "de"),
    ],
)
def test_a_right_figure_the_question_takes_as_given_is_not_confirmed(message: str, language: str) -> None:
    assert notes(message, "fee_procedure", language) == ""


def test_a_wrong_figure_the_question_takes_as_given_is_corrected() -> None:
    assert "€411, not €500" in notes("Do we pay the 500 euro fee again for each family member?", "fee_procedure")


def test_a_figure_in_a_yes_no_question_is_confirmed() -> None:
    said = notes("Kurze Frage: Sind es immer noch 411 Euro pro Fachkraft?", "fee_procedure", "de")
    assert "Ja, das stimmt: 411 €" in said


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_salary_in_a_year_without_thresholds_is_never_a_no(language: str) -> None:
    message = "we offer 3,600 € a month to an engineer — enough for a Blue Card?"
    said = "\n".join(
        notes_for(read_message(message), message, "salary_threshold", language, date(2027, 1, 15)).paragraphs
    )
    last_known = format_value(value_on("salary_blue_card_general", DAY).value, "EUR", language)
    hotline = str(value_on("zentralstelle_hotline", DAY).value)
    assert last_known in said and ("31.12.2026" in said or "31 December 2026" in said)
    assert "– no" not in said and "– nein" not in said and hotline in said


@pytest.mark.parametrize(
    ("message", "topic", "expected"),
    [
        # the claim is checked against what its sentence names, whatever topic the message was taken for
        (
            "I read that the employment agency has two weeks to approve in the fast-track. Right?",
            "duration_total",
            "The right figure is 1 week, not 2 weeks",
        ),
        (
            "They told us the fast-track government fee is 75 euros, same as a visa. Correct?",
            "fee_visa",
            "The right figure is €411, not €75",
        ),
        ("Is the visa really 75 euros?", "fee_procedure", "Yes, that is right: €75"),
    ],
)
def test_a_claim_is_checked_against_the_fact_its_sentence_names(message: str, topic: str, expected: str) -> None:
    assert expected in notes(message, topic)


def test_a_claim_about_nothing_named_is_checked_against_the_topic_and_a_figure_of_another_kind_not_at_all() -> None:
    assert "€411, not €75" in notes("a consultant told us the whole thing costs 75 euros", "costs_overview")
    assert notes("Someone said it is 75 euros, right?", "deadline_ba") == ""


@pytest.mark.parametrize(
    ("message", "topic", "expected"),
    [
        (
            "We paid the fee and the embassy refused the visa. Can we get our money back?",
            "refusal_remedy",
            "is not refunded if the outcome is negative",
        ),
        (
            "Die Anerkennungsstelle sagt nicht vergleichbar. Sind unsere 411 Euro weg?",
            "partial_recognition",
            "nicht erstattet",
        ),
        (
            "Can the fee be paid by the candidate himself? Who pays?",
            "steps",
            "the skilled worker remains the fee debtor",
        ),
    ],
)
def test_a_refund_or_payer_question_is_answered_whatever_the_topic(message: str, topic: str, expected: str) -> None:
    language = "de" if "Sind" in message else "en"
    assert expected in notes(message, topic, language)


def test_the_fee_answer_itself_gets_no_fee_note() -> None:
    assert notes("Who pays the fee and can we get a refund?", "fee_procedure") == ""


def test_a_trainee_s_pay_and_german_are_answered_with_the_16a_facts() -> None:
    said = notes("How much do we have to pay an apprentice from abroad, and what German does he need?", "steps")
    assert fact("training_minimum_in_company") in said and fact("training_minimum_school_based") in said
    assert "level B1" in said
    assert notes("How much does the procedure cost?", "fee_procedure") == ""


@pytest.mark.parametrize(
    ("message", "language", "says"),
    [
        (
            "Gilt die 45-Regel auch, wenn die Person schon mit einem anderen Titel in Deutschland lebt?",
            "de",
            "erstmaliger Erteilung",
        ),
        (
            "Over-45 rule: does it apply when the person already lives in Germany with another title?",
            "en",
            "for the first time",
        ),
    ],
)
def test_the_age_rule_named_besides_another_topic_is_stated_from_the_knowledge_file(
    message: str, language: str, says: str
) -> None:
    said = notes(message, "worker_in_germany", language)
    assert says in said and fact("salary_age_45_plus", language) in said


def test_the_age_rule_is_not_repeated_in_its_own_answer_nor_stated_unasked() -> None:
    assert notes("Does the 45 rule apply to a Blue Card?", "age_rule") == ""
    assert notes("Which salary does the 45 rule ask for?", "salary_threshold") == ""
    assert notes("How long does the visa take?", "deadline_visa") == ""


def test_a_salary_question_for_a_regulated_profession_names_the_licence_and_its_body() -> None:
    said = notes("A doctor from Jordan, we offer 58,000 € gross. Does the salary fit?", "salary_threshold", "en")
    assert "regulated profession" in said and "NiZzA" in said
    assert "reglementierter Beruf" in notes(
        "Reicht 3.000 € im Monat für eine Pflegefachkraft?", "salary_threshold", "de"
    )


def test_an_unregulated_occupation_gets_no_licence_note() -> None:
    assert "regulated" not in notes("A software developer, we offer 58,000 € gross. Enough?", "salary_threshold", "en")


def test_a_question_whether_trainees_can_use_the_procedure_gets_the_training_purpose() -> None:
    said = notes("Kann die Einreise unserer Azubis über das beschleunigte Verfahren laufen?", "duration_total", "de")
    assert "§ 16a" in said and "Ausbildungsplatz" in said
    assert "§ 16a" in notes("Can apprentices use the fast-track?", "eligibility")
    assert "§ 16a" not in notes("Our nurse has a recognised Ausbildung. Can she use the procedure?", "eligibility")


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("We're bound by a collective agreement (TV-V) and would pay 43,200 € a year on the experience route.", "en"),
        ("Wir sind tarifgebunden und zahlen dem Berufserfahrenen nach Tarif 43.200 € im Jahr.", "de"),
    ],
)
def test_an_employer_bound_by_a_collective_agreement_needs_no_19c2_salary(message: str, language: str) -> None:
    said = notes(message, "salary_threshold", language)
    assert fact("salary_experience_route", language) in said
    assert ("does not apply" if language == "en" else "gilt nicht") in said
    assert "below" not in said and "nicht erreicht" not in said


def test_an_employer_not_bound_by_a_collective_agreement_is_compared_with_the_19c2_salary() -> None:
    said = notes(
        "We're not bound by a collective agreement; 43,200 € a year on the experience route.", "salary_threshold"
    )
    assert "below" in said and fact("salary_experience_route") in said


@pytest.mark.parametrize(
    ("message", "topic", "language", "expected"),
    [
        (
            "Frontend developer from Vietnam, never finished university, 20 months of professional experience. OK?",
            "eligibility",
            "en",
            "Professional experience: 20 months. The EU Blue Card for IT specialists without a degree requires at least "
            "{it} of professional experience within the last {it_window} – that is not enough yet",
        ),
        (
            "Unser Softwareentwickler hat kein Studium, aber 4 Jahre Berufserfahrung. Reicht das für die Blaue Karte?",
            "residence_title",
            "de",
            "Berufserfahrung: 4 Jahre. Die Blaue Karte EU für IT-Fachkräfte ohne Hochschulabschluss verlangt mindestens "
            "{it} Berufserfahrung in den letzten {it_window} – das ist erfüllt",
        ),
        (
            "A network admin without a degree, one year of work experience. Is the experience route possible?",
            "residence_title",
            "en",
            "Professional experience: 1 year. § 19c (2) (experienced workers) requires at least {route} of professional "
            "experience within the last {route_window} – that is not enough yet",
        ),
    ],
)
def test_the_stated_experience_is_compared_with_what_the_route_asks(
    message: str, topic: str, language: str, expected: str
) -> None:
    dative = {"it_window": True, "route_window": True}
    facts = {
        "it": "it_blue_card_experience",
        "it_window": "it_blue_card_experience_window",
        "route": "experience_route_experience",
        "route_window": "experience_route_experience_window",
    }
    values = {
        key: format_value(value_on(fact_id, DAY).value, "years", language, dative=dative.get(key, False))
        for key, fact_id in facts.items()
    }
    assert expected.format(**values) in notes(message, topic, language)


@pytest.mark.parametrize(
    ("message", "topic", "language"),
    [
        ("Our developer has no degree and 5 years of experience. What does the visa cost?", "fee_visa", "en"),
        ("Our welder has 10 years of experience. Which title fits?", "residence_title", "en"),
        ("Er ist 52 Jahre alt. Welche Gehaltsgrenze gilt?", "salary_threshold", "de"),
    ],
)
def test_experience_is_not_compared_where_no_route_asks_for_it_or_the_topic_is_another(
    message: str, topic: str, language: str
) -> None:
    said = notes(message, topic, language)
    assert "experience:" not in said and "Berufserfahrung:" not in said
