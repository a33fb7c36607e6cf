"""The custom NLU components on Rasa messages, without a trained model."""

from __future__ import annotations

from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import LANGUAGE_DETECTION, LanguagePolicy
from bot.nlu.language_detector import LanguageDetector
from bot.nlu.link_code_gate import LinkCodeGate
from bot.reference import new_link_code
from bot.nlu.unsupported_language_gate import UnsupportedLanguageGate


def detected(text: str) -> dict:
    message = Message({TEXT: text})
    LanguageDetector(LanguagePolicy()).process([message])
    return message.get(LANGUAGE_DETECTION)


def test_german_and_english_messages_are_detected() -> None:
    assert detected("Wie lange dauert das beschleunigte Fachkräfteverfahren?")["language"] == "de"
    assert detected("How long does the fast-track procedure take for a nurse?")["language"] == "en"


def test_detection_is_part_of_the_parse_output() -> None:
    message = Message({TEXT: "Was kostet das beschleunigte Verfahren?"})
    LanguageDetector(LanguagePolicy()).process([message])
    assert LANGUAGE_DETECTION in message.as_dict(only_output_properties=True)


def test_a_message_in_another_language_reaches_the_gate_as_foreign() -> None:
    message = Message({TEXT: "Bonjour, combien de temps dure la procédure pour un infirmier ?"})
    LanguageDetector(LanguagePolicy()).process([message])
    UnsupportedLanguageGate().process([message])
    assert message.get(INTENT)["name"] == DEFAULT_NLU_FALLBACK_INTENT_NAME


def test_a_german_message_passes_the_gate_untouched() -> None:
    message = Message({TEXT: "Wir möchten eine Pflegekraft aus Tunesien einstellen."})
    LanguageDetector(LanguagePolicy()).process([message])
    UnsupportedLanguageGate().process([message])
    assert message.get(INTENT) is None


def test_messages_without_text_and_training_data_are_left_alone() -> None:
    message = Message({})
    LanguageDetector(LanguagePolicy()).process([message])
    assert message.get(LANGUAGE_DETECTION) is None
    data = TrainingData([Message({TEXT: "Hallo"})])
    assert LanguageDetector(LanguagePolicy()).process_training_data(data) is data


def intent_after_the_link_gate(text: str, guessed: str = "goodbye") -> str:
    message = Message({TEXT: text, INTENT: {"name": guessed, "confidence": 0.8}})
    LinkCodeGate().process([message])
    return message.get(INTENT)["name"]


def test_a_link_code_is_link_case_whatever_diet_guessed() -> None:
    for _ in range(200):
        code = new_link_code()
        if any(character.isalpha() for character in code):
            assert intent_after_the_link_gate(code) == "link_case"
    assert intent_after_the_link_gate("Mein Code ist 9f4k 2qxm 7tza") == "link_case"


def test_phone_numbers_references_words_and_buttons_are_not_link_codes() -> None:
    for text in (
        "0511-5554-4433",
        "LT-2026-7K3QZD",
        "what is the code for this",
        '/inform{"choice": "ABCD-EFGH-JKMN"}',
    ):
        assert intent_after_the_link_gate(text) == "goodbye"
