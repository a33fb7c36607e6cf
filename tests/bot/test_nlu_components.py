"""The custom NLU components on Rasa messages, without a trained model."""

from __future__ import annotations

from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import LANGUAGE_DETECTION, LanguagePolicy
from bot.nlu.language_detector import LanguageDetector
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
