"""Questions outside the remit get the right referral in the user's language (issue 13)."""

from datetime import date

import pytest

from bot.knowledge import value_on
from bot.understanding.referrals import referral_for, subjects

DAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("message", "language", "subject", "says"),
    [
        ("Our cook has a Duldung. May he start an apprenticeship with us?", "en", "asylum", "immigration office"),
        ("Eine Bewerberin ist Asylbewerberin. Darf sie bei uns arbeiten?", "de", "asylum", "Ausländerbehörde"),
        ("Do we have to deduct payroll tax from the first month?", "en", "tax", "tax office"),
        ("Welche Steuerklasse bekommt unser neuer Fahrer?", "de", "tax", "Finanzamt"),
        ("We are a temp agency, can we hire welders from abroad?", "en", "temporary_agency_work", "§ 40"),
        ("Wir sind eine Zeitarbeitsfirma. Geht das Verfahren für uns?", "de", "temporary_agency_work", "§ 40"),
        ("My husband is German. Do I need the fast track?", "en", "spouse_of_german", "§ 28"),
        ("Sie ist mit einem Deutschen verheiratet. Braucht sie das Verfahren?", "de", "spouse_of_german", "§ 28"),
        ("A doctor with temporary protection wants to work for us", "en", "temporary_protection", "NiZzA"),
        ("Wo kann ich mich über die Botschaft beschweren?", "de", "complaint", "Auswärtige"),
        ("Must we register him with the social security before he arrives?", "en", "social_security", "health"),
        (
            "Unser Schweißer hat die Vorabzustimmung, trotzdem hat das Konsulat sein Visum abgelehnt.",
            "de",
            "visa_refused",
            "Rechtsbehelfsbelehrung",
        ),
        ("Muss sich unsere Köchin krankenversichern, bevor sie einreist?", "de", "social_security", "Krankenkasse"),
        (
            "Darf unser Elektriker nach einem Jahr einfach den Arbeitgeber wechseln?",
            "de",
            "job_change_after_entry",
            "Ausländerbehörde",
        ),
        (
            "Wir wollen unserem Koch in der Probezeit kündigen. Müssen wir das melden?",
            "de",
            "employment_ends",
            "Ausländerbehörde",
        ),
        ("What if we have to let go of him after three months?", "en", "employment_ends", "immigration office"),
        ("Who pays for the German course of our new nurses?", "en", "language_course", "Welcome Center"),
        (
            "Der Bewerber hat bereits einen Anerkennungsantrag bei der IHK FOSA gestellt.",
            "de",
            "recognition_already_filed",
            "Zentralstelle",
        ),
        (
            "She already applied for recognition on her own last year.",
            "en",
            "recognition_already_filed",
            "Zentralstelle",
        ),
        ("Können Sie uns Pflegekräfte aus dem Ausland vermitteln?", "de", "recruitment", "ZAV"),
        ("How do we find nurses abroad?", "en", "recruitment", "Make it in Germany"),
        ("Darf unser Azubi nebenher im Supermarkt jobben?", "de", "trainee_side_job", "Nebenbestimmungen"),
        ("Kann ich als Fachkraft den Antrag auch selbst stellen?", "de", "employer_applies", "Vollmacht"),
        (
            "Could I apply for the fast-track procedure myself from Lagos?",
            "en",
            "employer_applies",
            "power of attorney",
        ),
        ("The consulate rejected her visa application last week, what can she do?", "en", "visa_refused", "lawyer"),
        (
            "Die Pflegekraft wohnt in Dubai, hat aber einen indischen Pass. Ist das ein Problem?",
            "de",
            "residence_abroad",
            "Auslandsvertretung",
        ),
        (
            "Does it matter where the candidate lives? He is Nepali but works in Qatar.",
            "en",
            "residence_abroad",
            "German mission",
        ),
        (
            "hello sir i want job in germany as driver. can you find me employer?",
            "en",
            "job_search",
            "Make it in Germany",
        ),
        (
            "Unser Kollege (Deutscher) hat eine Köchin aus Thailand geheiratet. Braucht sie das Verfahren?",
            "de",
            "spouse_of_german",
            "§ 28",
        ),
        ("I will marry my German fiancé next month. Can I then work in Hannover?", "en", "spouse_of_german", "§ 28"),
        ("Er wohnt in 45 qm, Frau und zwei Kinder sollen nachkommen. Reicht das?", "de", "family_housing", "Wohnraum"),
        ("Can our engineer bring his parents later, not only his wife?", "en", "parents_reunification", "parents"),
        (
            "Gibt es ein Online-Tool, das zeigt, wer für die Anerkennung zuständig ist?",
            "de",
            "recognition_finder",
            "anerkennung-in-deutschland.de",
        ),
        ("Can we hire a developer as a freelancer through the fast-track?", "en", "self_employment", "self-employed"),
        (
            "Our subsidiary in India wants to send a manager to our plant for a year.",
            "en",
            "intra_company_transfer",
            "ICT",
        ),
    ],
)
def test_a_question_outside_the_remit_gets_its_referral_in_the_users_language(
    message: str, language: str, subject: str, says: str
) -> None:
    referral = referral_for(message, language, DAY)
    assert referral is not None and referral.subjects[0] == subject
    assert says in referral.paragraphs[0]


@pytest.mark.parametrize(
    "message",
    [
        "What does the accelerated procedure cost?",
        "Unser Steuerberater fragt, ob er das beschleunigte Verfahren für uns machen darf",
        "Wir sind eine Personalvermittlung mit Kunden in ganz Niedersachsen. Wer ist zuständig?",
        "Can my wife and two children come along?",
        "Our carer is married and has one child.",
        "Where do we find a job description template for the declaration?",
        "Do we get the fee back if the visa is refused?",
        "How long is the visa valid?",
        "We are a self-employed craftsman and want to hire a baker from Vietnam",
        "Wir sind ein selbstständiger Handwerksbetrieb mit drei Gesellen",
        "Our candidate lives with her parents in Manila",
        "We work as a contractor for Deutsche Bahn and need two welders from India",
        "We work with a German recruitment agency. What does the procedure cost?",
        "We and our German partner company want to hire two welders",
        "Unser Koch arbeitet bei einer deutschen Firma und ist verheiratet. Kann die Frau mitkommen?",
        "Die Anerkennung hat die Zentralstelle schon beantragt, wie lange dauert es?",
        "Wir haben eine Pflegekraft aus Indien gefunden. Wie läuft das Verfahren?",
    ],
)
def test_a_question_inside_the_remit_gets_no_referral(message: str) -> None:
    assert referral_for(message, "en", DAY) is None


def test_a_complaint_is_answered_besides_its_topic_the_others_alone() -> None:
    complaint = referral_for("The embassy gives no appointment. Where can we complain?", "en", DAY)
    asylum = referral_for("refugee with duldung wants to do ausbildung at my company", "en", DAY)
    assert complaint is not None and not complaint.answers_alone
    assert asylum is not None and asylum.answers_alone


def test_the_complaint_referral_takes_the_hotline_from_the_knowledge_file() -> None:
    referral = referral_for("beschwerde!! keiner antwortet", "de", DAY)
    assert referral is not None
    assert str(value_on("zentralstelle_hotline", DAY).value) in referral.paragraphs[0]


def test_every_subject_has_both_languages_and_triggers() -> None:
    for subject in subjects():
        assert subject.triggers and set(subject.texts) == {"de", "en"} and all(subject.texts.values())


def test_the_job_search_referral_names_the_opportunity_cards_points_from_the_knowledge_file() -> None:
    referral = referral_for("I search job in germany, can I do the Chancenkarte? how many points?", "en", DAY)
    assert referral is not None and referral.subjects[0] == "job_search"
    assert str(value_on("chancenkarte_min_points", DAY).value) in referral.paragraphs[0]
