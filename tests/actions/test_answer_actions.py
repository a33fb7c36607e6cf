from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswerTopic, ActionHandleFallback, topic_of
from bot.texts import text
from trackers import tracker_with, user_event


@pytest.mark.parametrize(
    ("language", "question"), [("de", "Was kostet das Verfahren?"), ("en", "What does the procedure cost?")]
)
async def test_fee_answer_comes_from_the_knowledge_file_in_the_users_language(language: str, question: str) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with([user_event(question, "ask_fee_procedure")], slots={"language": language})
    await ActionAnswerTopic().run(dispatcher, tracker, {})
    assert "411" in dispatcher.messages[0]["text"]


def test_intents_map_to_topics() -> None:
    assert topic_of("ask_fee_procedure") == "fee_procedure"
    assert topic_of("help") == "capabilities"
    assert topic_of("request_human") == "human_contact"


async def test_first_fallback_clarifies_with_buttons_including_a_person() -> None:
    dispatcher = CollectingDispatcher()
    event = user_event("blorf", "nlu_fallback")
    event["parse_data"]["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 1.0},
        {"name": "ask_fee_visa", "confidence": 0.3},
        {"name": "ask_family", "confidence": 0.2},
    ]
    tracker = tracker_with([event], slots={"language": "en"})
    await ActionHandleFallback().run(dispatcher, tracker, {})
    payloads = [button["payload"] for button in dispatcher.messages[0]["buttons"]]
    assert payloads == ["/ask_fee_visa", "/ask_family", "/request_human"]
    assert dispatcher.messages[0]["buttons"][0]["title"] == "Visa fee"


async def test_second_fallback_in_a_row_offers_a_human_contact() -> None:
    dispatcher = CollectingDispatcher()
    clarified = {"event": "bot", "text": text("clarify", "de")}
    events = [user_event("blorf", "nlu_fallback"), clarified, user_event("quux", "nlu_fallback")]
    tracker = tracker_with(events, slots={"language": "de"})
    await ActionHandleFallback().run(dispatcher, tracker, {})
    assert "0541 66888 200" in dispatcher.messages[0]["text"]


async def test_foreign_language_gets_the_bilingual_note() -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with(
        [user_event("Bonjour, je voudrais embaucher un soudeur de Tunisie", "nlu_fallback")], slots={"language": "de"}
    )
    await ActionHandleFallback().run(dispatcher, tracker, {})
    assert "nur Deutsch und Englisch" in dispatcher.messages[0]["text"]


async def test_fallbacks_in_a_row_count_messages_the_fallback_answered() -> None:
    dispatcher = CollectingDispatcher()
    events = [
        user_event("blorf", "inform"),
        {"event": "action", "name": "action_extract_slots"},
        {"event": "action", "name": "action_handle_fallback"},
        {"event": "action", "name": "action_listen"},
        user_event("quux", "nlu_fallback"),
    ]
    await ActionHandleFallback().run(dispatcher, tracker_with(events, slots={"language": "en"}), {})
    assert "0541 66888 200" in dispatcher.messages[0]["text"]


async def test_a_fallback_after_a_real_answer_starts_counting_again() -> None:
    dispatcher = CollectingDispatcher()
    events = [
        user_event("blorf", "nlu_fallback"),
        {"event": "action", "name": "action_handle_fallback"},
        user_event("was kostet das", "ask_fee_procedure"),
        {"event": "action", "name": "action_answer_topic"},
        user_event("quux", "nlu_fallback"),
    ]
    await ActionHandleFallback().run(dispatcher, tracker_with(events, slots={"language": "en"}), {})
    assert "buttons" in dispatcher.messages[0] and dispatcher.messages[0]["buttons"]


async def test_inside_a_form_the_fallback_forgets_the_message() -> None:
    events = [user_event("blorf", "nlu_fallback")]
    result = await ActionHandleFallback().run(
        CollectingDispatcher(), tracker_with(events, slots={"language": "de"}, active_loop="intake_form"), {}
    )
    assert result == [{"event": "rewind", "timestamp": None}]


async def test_the_users_salary_is_compared_and_kept_for_the_path_finder() -> None:
    dispatcher = CollectingDispatcher()
    message = "we offer 3,600 € a month to an engineer — enough for a Blue Card?"
    tracker = tracker_with([user_event(message, "ask_salary_threshold")], slots={"language": "en"})
    events = await ActionAnswerTopic().run(dispatcher, tracker, {})
    assert "€43,200" in dispatcher.messages[0]["text"] and "– no" in dispatcher.messages[0]["text"]
    assert "Salary thresholds" in dispatcher.messages[1]["text"]
    assert {"event": "slot", "timestamp": None, "name": "pf_salary", "value": 43200.0} in events


async def test_two_questions_in_one_message_get_two_answers() -> None:
    dispatcher = CollectingDispatcher()
    message = "What does the national visa cost? And how long does the whole procedure take?"
    tracker = tracker_with([user_event(message, "ask_fee_visa")], slots={"language": "en"})
    await ActionAnswerTopic().run(dispatcher, tracker, {})
    texts = [m["text"] for m in dispatcher.messages]
    assert len(texts) == 2 and "On your other question" in texts[1]


@pytest.mark.parametrize(
    ("language", "message", "intent", "further"),
    [
        (
            "en",
            "We are a bakery in Garbsen, can we use the fast-track procedure and what does it cost?",
            "ask_eligibility",
            "costs_overview",
        ),
        (
            "de",
            "Können wir das beschleunigte Verfahren nutzen und was kostet das?",
            "ask_eligibility",
            "costs_overview",
        ),
        (
            "de",
            "Was kostet das beschleunigte Verfahren und wie lange dauert das?",
            "ask_fee_procedure",
            "duration_total",
        ),
    ],
)
async def test_a_further_question_naming_no_subject_gets_the_overview(
    language: str, message: str, intent: str, further: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with([user_event(message, intent)], slots={"language": language})
    await ActionAnswerTopic().run(dispatcher, tracker, {})
    insights = [m.get("insight") or {} for m in dispatcher.messages]
    assert [insight.get("topic") for insight in insights if insight.get("result") == "answered"][-1] == further
    assert text("understanding_second_question", language) in dispatcher.messages[-1]["text"]


async def test_a_general_question_the_answer_already_covers_gets_no_second_answer() -> None:
    dispatcher = CollectingDispatcher()
    message = (
        "Wir wollen einen Koch aus Indien einstellen. Was kostet uns das beschleunigte Verfahren und was kostet das?"
    )
    tracker = tracker_with([user_event(message, "ask_fee_procedure")], slots={"language": "de"})
    await ActionAnswerTopic().run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1


async def test_a_clear_retrieval_hit_answers_instead_of_clarifying() -> None:
    dispatcher = CollectingDispatcher()
    event = user_event("Was kostet die ZAB-Zeugnisbewertung?", "nlu_fallback")
    event["parse_data"]["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 1.0}]
    await ActionHandleFallback().run(dispatcher, tracker_with([event], slots={"language": "de"}), {})
    assert "buttons" not in dispatcher.messages[0] or not dispatcher.messages[0]["buttons"]
    assert "ZAB" in dispatcher.messages[0]["text"] and "Quelle" in dispatcher.messages[0]["text"]


async def test_clarifying_buttons_offer_substantive_topics_never_greetings() -> None:
    dispatcher = CollectingDispatcher()
    event = user_event("costs and time for visa", "nlu_fallback")
    event["parse_data"]["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 1.0},
        {"name": "greet", "confidence": 0.3},
        {"name": "out_of_scope", "confidence": 0.2},
    ]
    await ActionHandleFallback().run(
        dispatcher, tracker_with([event], slots={"language": "en"}, active_loop="intake_form"), {}
    )
    payloads = [button["payload"] for button in dispatcher.messages[0]["buttons"]]
    assert payloads[-1] == "/request_human" and len(payloads) >= 2
    assert all(p.startswith("/ask_") or p in ("/start_intake", "/start_pathfinder") for p in payloads[:-1])


async def test_context_given_in_an_unclear_message_is_kept() -> None:
    event = user_event("We are a bakery in Garbsen, the baker is 46", "inform")
    events = await ActionHandleFallback().run(
        CollectingDispatcher(), tracker_with([event], slots={"language": "en"}), {}
    )
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["business_type"] == "craft" and slots["workplace_municipality"] == "garbsen"
    assert slots["pf_age_45"] == "yes"


async def test_an_unclear_substantive_question_gets_the_closest_answer_and_the_next_options() -> None:
    dispatcher = CollectingDispatcher()
    event = user_event("embassy appointment and pre-approval, how does that work with the papers", "nlu_fallback")
    event["parse_data"]["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 1.0}]
    await ActionHandleFallback().run(dispatcher, tracker_with([event], slots={"language": "en"}), {})
    assert text("clarify", "en") not in [m["text"] for m in dispatcher.messages]
    assert dispatcher.messages[-1]["text"] == text("understanding_other_options", "en")
    payloads = [button["payload"] for button in dispatcher.messages[-1]["buttons"]]
    assert payloads[-1] == "/request_human" and all(p.startswith("/ask_") for p in payloads[:-1])


async def test_a_message_the_fallback_answered_does_not_count_as_misunderstood() -> None:
    dispatcher = CollectingDispatcher()
    events = [
        user_event("quux quux", "nlu_fallback"),
        {"event": "action", "name": "action_handle_fallback"},
        {"event": "bot", "text": "Die Gebühr für das beschleunigte Fachkräfteverfahren beträgt 411 €."},
        user_event("blorf", "nlu_fallback"),
    ]
    await ActionHandleFallback().run(dispatcher, tracker_with(events, slots={"language": "de"}), {})
    assert dispatcher.messages[0]["text"] == text("clarify", "de")


@pytest.mark.parametrize(
    ("language", "question", "intent", "says"),
    [
        ("en", "How high is income tax on 4000 gross?", "out_of_scope", "tax office"),
        ("de", "Wir sind eine Zeitarbeitsfirma. Geht das beschleunigte Verfahren?", "ask_eligibility", "§ 40"),
        ("en", "My husband is German. Do I need the fast track to work?", "nlu_fallback", "§ 28"),
    ],
)
async def test_a_question_outside_the_remit_gets_only_its_referral_in_the_users_language(
    language: str, question: str, intent: str, says: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with([user_event(question, intent)], slots={"language": language})
    action = ActionHandleFallback() if intent == "nlu_fallback" else ActionAnswerTopic()
    await action.run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1 and says in dispatcher.messages[0]["text"]


async def test_an_out_of_scope_question_without_a_referral_leaves_the_word_to_utter_out_of_scope() -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with([user_event("What's the weather today?", "out_of_scope")], slots={"language": "en"})
    await ActionAnswerTopic().run(dispatcher, tracker, {})
    assert dispatcher.messages == []


async def test_a_complaint_is_referred_and_its_topic_answered() -> None:
    dispatcher = CollectingDispatcher()
    question = "The embassy gives us no appointment within 3 weeks. Where can we complain?"
    tracker = tracker_with([user_event(question, "ask_deadline_visa")], slots={"language": "en"})
    await ActionAnswerTopic().run(dispatcher, tracker, {})
    said = "\n".join(message["text"] for message in dispatcher.messages)
    assert "Federal Foreign Office" in said and "appointment" in said


async def test_a_request_to_register_a_case_the_model_missed_starts_the_intake() -> None:
    dispatcher = CollectingDispatcher()
    event = user_event("Bitte helfen Sie mir, einen Fall für zwei Pflegekräfte aus Indien anzulegen.", "nlu_fallback")
    events = await ActionHandleFallback().run(dispatcher, tracker_with([event], slots={"language": "de"}), {})
    assert events == [{"event": "followup", "name": "intake_form", "timestamp": None}]


@pytest.mark.parametrize(
    ("language", "message", "title", "expected"),
    [
        (
            "en",
            "Which residence title does a welder with recognised vocational training get? Not Blue Card I guess?",
            "Blue Card",
            "18a",
        ),
        (
            "de",
            "Gibt es ein Mindestgehalt für eine Pflegefachkraft mit anerkannter Ausbildung ohne Blaue Karte?",
            "Blaue Karte",
            "18a",
        ),
    ],
)
async def test_a_title_the_message_rules_out_is_not_the_one_answered(
    language: str, message: str, title: str, expected: str
) -> None:
    start = message.index(title)
    entity = {"entity": "residence_title", "value": "blue_card", "start": start, "end": start + len(title)}
    dispatcher = CollectingDispatcher()
    tracker = tracker_with([user_event(message, "ask_residence_title", [entity])], slots={"language": language})
    await ActionAnswerTopic().run(dispatcher, tracker, {})
    said = dispatcher.messages[-1]["text"]
    assert f"§ {expected}" in said and "§ 18g" not in said.split("\n")[0]


@pytest.mark.parametrize(
    ("message", "intent", "further"),
    [
        (
            "Was kostet das Verfahren? Und wie lange dauert die Anerkennung?",
            "ask_fee_procedure",
            "deadline_recognition",
        ),
        ("Wie lange dauert es? Und was kostet das Visum?", "ask_duration_total", "fee_visa"),
    ],
)
async def test_a_further_question_that_matches_one_topic_strongly_gets_it(
    message: str, intent: str, further: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with([user_event(message, intent)], slots={"language": "de"})
    await ActionAnswerTopic().run(dispatcher, tracker, {})
    insights = [m.get("insight") or {} for m in dispatcher.messages]
    assert [insight.get("topic") for insight in insights if insight.get("result") == "answered"][-1] == further


async def test_a_further_question_naming_no_topic_gets_no_second_answer() -> None:
    dispatcher = CollectingDispatcher()
    message = "Was kostet uns das beschleunigte Verfahren und was bekommen wir dafür?"
    tracker = tracker_with([user_event(message, "ask_fee_procedure")], slots={"language": "de"})
    await ActionAnswerTopic().run(dispatcher, tracker, {})
    assert not any(text("understanding_second_question", "de") in (m.get("text") or "") for m in dispatcher.messages)


async def test_a_salary_after_the_workers_age_and_job_is_compared_with_what_applies_to_that_worker() -> None:
    dispatcher = CollectingDispatcher()
    event = user_event("Wir zahlen 4.200 € im Monat, reicht das?", "nlu_fallback")
    event["parse_data"]["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 1.0},
        {"name": "inform", "confidence": 0.3},
    ]
    slots = {"language": "de", "pf_age_45": "yes", "occupation": "mechatroniker"}
    await ActionHandleFallback().run(dispatcher, tracker_with([event], slots=slots), {})
    said = dispatcher.messages[0]["text"]
    assert "50.400 €" in said and "ab 45 Jahren" in said and "nicht erreicht" in said
    assert "Blaue Karte EU (allgemein)" not in said  # a mechatronics technician is no Blue Card case


async def test_a_question_asked_with_a_request_to_register_a_case_is_answered_before_the_intake() -> None:
    dispatcher = CollectingDispatcher()
    message = "Geht das noch über die Ausländerbehörde der Stadt oder schon nach Osnabrück? Und können Sie den Fall für mich aufnehmen?"
    events = await ActionHandleFallback().run(
        dispatcher, tracker_with([user_event(message, "nlu_fallback")], slots={"language": "de"}), {}
    )
    assert events == [{"event": "followup", "name": "intake_form", "timestamp": None}]
    assert "Zentralstelle" in dispatcher.messages[0]["text"]
