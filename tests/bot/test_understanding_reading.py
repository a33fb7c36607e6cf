"""Real-style messages (context first, the question last) and what Lotse reads in them."""

from decimal import Decimal

import pytest

from bot.understanding.reading import (
    Figure,
    Salary,
    asks_to_register_a_case,
    read_experience,
    read_message,
    split_questions,
)

CONTEXT_CASES = [
    (
        "We run a car repair shop in Burgdorf, the mechanic we want is 52 and comes from Egypt. Which chamber?",
        {
            "business_type": "craft",
            "municipality": "burgdorf",
            "occupation_group": "craft",
            "nationality": "EG",
            "age": 52,
        },
    ),
    (
        "Wir sind eine Bäckerei in Garbsen und wollen einen tunesischen Bäcker einstellen, er ist 46.",
        {
            "business_type": "craft",
            "municipality": "garbsen",
            "occupation_group": "craft",
            "nationality": "TN",
            "age": 46,
        },
    ),
    (
        "Unsere Pflegekraft aus den Philippinen bringt ihren Mann und zwei Kinder mit. Geht das?",
        {"occupation_group": "health", "nationality": "PH", "family_members": 3, "family": True},
    ),
    (
        "hi, we are a small IT company in Langenhagen and want to hire a Filipino developer with a bachelor degree",
        {
            "business_type": "industry_trade",
            "municipality": "langenhagen",
            "nationality": "PH",
            "qualification": "university",
        },
    ),
    (
        "im 45 is it too old for germany work",
        {"age": 45},
    ),
    ("Wir haben für unseren Schweißer aus Georgien (51) mit 4.427,50 € im Monat gerechnet.", {"age": 51}),
    ("our cook (47 years) from India", {"age": 47}),
    ("Für unseren Elektroniker aus Indien, 47 Jahre, kam die Rückmeldung, das Gehalt reiche nicht.", {"age": 47}),
    ("Our welder from Georgia, 52 years. Is his salary enough?", {"age": 52}),
    (
        "Unser Pflegeheim in Lehrte sucht Pflegefachkräfte mit Ausbildung aus Indien, die Frau ist 38 Jahre alt",
        {
            "business_type": "neither",
            "municipality": "lehrte",
            "nationality": "IN",
            "age": 38,
            "qualification": "vocational",
        },
    ),
]


@pytest.mark.parametrize(("message", "expected"), CONTEXT_CASES)
def test_context_sentences_are_read(message: str, expected: dict) -> None:
    context = read_message(message).context
    assert {key: getattr(context, key) for key in expected} == expected


@pytest.mark.parametrize(
    ("message", "salary"),
    [
        ("we offer 3,600 € a month to an engineer — enough for a Blue Card?", Salary(Decimal(43200), Decimal(3600))),
        ("Wir zahlen 4.200 brutto im Monat, reicht das?", Salary(Decimal(50400), Decimal(4200))),
        ("The salary would be 52.000 EUR per year", Salary(Decimal(52000))),
        ("salary 60k, is that enough", Salary(Decimal(60000))),
        ("Gehalt: € 48.500 im Jahr", Salary(Decimal(48500))),
        ("Our driver is 58 and earns 3,500. Can we still use it?", Salary(Decimal(42000), Decimal(3500))),
        ("he is 30, i pay 2900 a month", Salary(Decimal(34800), Decimal(2900))),
        ("we offer him 48.000", Salary(Decimal(48000))),
        # someone else's figure first, the asker's offer after it
        (
            "Im Forum stand, die Grenze liegt bei 44.000 €. Wir zahlen unserer Köchin 3.900 € im Monat. Passt das?",
            Salary(Decimal(46800), Decimal(3900)),
        ),
        ("According to a blog it is 41,000 €. We would pay him 52,000 € a year.", Salary(Decimal(52000))),
        ("A guide says the threshold is 45,300 €. We offer 58,000 € a year.", Salary(Decimal(58000))),
        ("A friend told me the Blue Card needs 45,000 €. Is that right?", Salary(Decimal(45000))),
    ],
)
def test_salaries_are_read_with_their_period(message: str, salary: Salary) -> None:
    assert read_message(message).context.salary == salary


@pytest.mark.parametrize(
    "message",
    [
        "She has 5 years of experience",
        "Wir haben 12 Mitarbeiter und suchen einen Koch",
        "Sie ist seit 10 Jahren Köchin",
        "What is the Blue Card salary in 2026?",
        "Frau und zwei Kinder (4 und 8) sollen nachkommen",
        "Ausbildung als Tischler, 3 Jahre, dann Berufserfahrung, 12 Jahre.",
        "Der Vertrag läuft bis 2027, 24 Jahre nach der Gründung.",
    ],
)
def test_no_age_or_salary_where_there_is_none(message: str) -> None:
    context = read_message(message).context
    assert context.age is None and context.salary is None


def test_a_threshold_after_is_is_no_age() -> None:
    assert read_message("A guide says the Blue Card threshold is 45,300 €.").context.age is None
    assert read_message("Die Grenze ist 45.300 Euro, oder?").context.age is None


@pytest.mark.parametrize(
    "message",
    [
        "Welcome Center in Hannover: can it help?",
        "Prüft die IHK Hannover das?",
        "Ist die Ausländerbehörde der Region Hannover zuständig?",
    ],
)
def test_an_organisation_s_seat_is_no_workplace(message: str) -> None:
    assert read_message(message).context.municipality is None


@pytest.mark.parametrize(
    ("message", "figures", "claim"),
    [
        ("I read that the employment agency has two weeks to approve — right?", (Figure(Decimal(2), "weeks"),), True),
        ("a consultant told us the whole thing costs 75 euros", (Figure(Decimal(75), "EUR"),), True),
        ("Stimmt es, dass die Anerkennung 3 Monate dauert?", (Figure(Decimal(3), "months"),), True),
        ("Die Agentur hat 14 Tage Zeit, habe ich gelesen", (Figure(Decimal(14), "days"),), True),
        ("How long does the procedure take?", (), False),
    ],
)
def test_figures_and_claims_are_read(message: str, figures: tuple, claim: bool) -> None:
    reading = read_message(message)
    assert reading.figures == figures
    assert reading.claim is claim


@pytest.mark.parametrize(
    ("message", "count"),
    [
        ("What does it cost? And how long does it take?", 2),
        ("Was kostet das Verfahren und wie lange dauert es?", 2),
        ("We are a bakery in Garbsen. Our baker is 46. Which chamber is responsible?", 1),
        ("How much is the visa fee", 1),
        ("We are a bakery in Garbsen, can we use the fast-track procedure and what does it cost?", 2),
        ("Wir sind ein Hotel in Laatzen, können wir das Verfahren nutzen?", 1),
    ],
)
def test_questions_are_split(message: str, count: int) -> None:
    assert len(split_questions(message)) == count


@pytest.mark.parametrize(
    "message",
    [
        "A guide for over-45 freelancers talks about roughly €232,000 in pension assets. Does that apply to me?",
        "Im Radio hieß es, die Anerkennung koste bis zu 20.000 € und dauere zwei Jahre.",
    ],
)
def test_a_cost_or_an_asset_is_no_salary(message: str) -> None:
    assert read_message(message).context.salary is None


@pytest.mark.parametrize(
    ("message", "annual"),
    [
        ("Was kostet das? Gehalt 52.000 €", "52000"),
        ("Im Jahr zahlen wir 52.000 € brutto", "52000"),
        ("We pay for the job 52,000 € a year", "52000"),
    ],
)
def test_a_salary_next_to_cost_words_of_another_sentence_or_to_paying_is_still_read(message: str, annual: str) -> None:
    salary = read_message(message).context.salary
    assert salary is not None and salary.annual == Decimal(annual)


@pytest.mark.parametrize(
    ("message", "asks"),
    [
        ("tischlerei in wennigsen, tischler aus ghana, soll am 1. märz anfangen. bitte vorgang eröffnen", True),
        ("Vertrag ist unterschrieben. Wie fange ich an, was braucht ihr von mir?", True),
        ("The contract is signed. What do you need from us to get going?", True),
        ("Bitte legen Sie einen Vorgang für unsere Köchin an.", True),
        ("Was braucht die Fachkraft für das Visum?", False),
        ("Wie lange dauert der Vorgang bei der Botschaft?", False),
    ],
)
def test_a_request_to_register_a_case_is_recognised(message: str, asks: bool) -> None:
    assert asks_to_register_a_case(message) is asks


@pytest.mark.parametrize(
    ("message", "experience"),
    [
        ("20 months of professional experience", (Decimal(20), "months")),
        ("Er hat drei Jahre Ausbildung und sechs Jahre Berufserfahrung.", (Decimal(6), "years")),
        ("2 years of training, then 5 years of work experience", (Decimal(5), "years")),
        ("Unser Koch, 3 Jahre Lehre in Tunesien, danach 8 Jahre gearbeitet", (Decimal(8), "years")),
        ("He is 34 years old and has 4 years of experience", (Decimal(4), "years")),
        ("Sie hat eine dreijährige Ausbildung und lebt seit 2 Jahren in Kairo.", None),
    ],
)
def test_the_stated_experience_is_read_and_not_a_training_or_an_age(
    message: str, experience: tuple[Decimal, str] | None
) -> None:
    assert read_experience(message) == experience
