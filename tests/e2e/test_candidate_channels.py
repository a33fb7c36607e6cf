"""E18–E20 through the real stack: an employer registers a case in the widget; the candidate, on
WhatsApp and on Telegram (signed webhooks, replies captured by the providers' stand-ins), asks
candidate questions in English and German and links to the case with the code – a wrong code and
a malformed one get the same answer, the right one shows the status and only the candidate's own
documents; when the staff revoke the code it stops working, a new one works."""

from __future__ import annotations

import re
from typing import Tuple

import httpx
import pytest
from channel_standins import ChannelStandIns, TelegramUser, WhatsAppUser
from conftest import Conversation
from intake_script import CARPENTER_IN_GARBSEN_DE, run_intake
from stack import Stack

from bot.texts import text

CROCKFORD = "[0-9A-HJKMNP-TV-Z]"
LINK_CODE = re.compile(rf"\b{CROCKFORD}{{4}}-{CROCKFORD}{{4}}-{CROCKFORD}{{4}}\b")
REFERENCE = re.compile(rf"LT-\d{{4}}-{CROCKFORD}{{6}}")
EMPLOYERS_DATA = ("Tischlerei Sonnenschein", "Anna Sonnenschein", "personal@", "Garbsen", "52")


@pytest.fixture(scope="module")
def case(stack: Stack) -> Tuple[str, str]:
    """Reference and link code of a case the employer registered through the widget's channel."""
    employer = Conversation(f"http://127.0.0.1:{stack.ports.rasa}", "de")
    run_intake(employer, CARPENTER_IN_GARBSEN_DE)
    confirmation = employer.say_text("/affirm")
    reference, code = REFERENCE.search(confirmation), LINK_CODE.search(confirmation)
    assert reference and code, confirmation
    return reference.group(0), code.group(0)


def _staff(backend_url: str, credentials: dict, method: str, reference: str) -> dict:
    token = credentials["hwk_hannover"]["api_token"]
    answer = httpx.request(
        method,
        f"{backend_url}/api/v1/tickets/{reference}/candidate-link",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()


def test_a_candidate_on_whatsapp_asks_in_english_and_links_with_the_code(
    bot_url: str, channel_standins: ChannelStandIns, case: Tuple[str, str]
) -> None:
    reference, code = case
    candidate = WhatsAppUser(bot_url, channel_standins, "4915100000201")
    answer = candidate.say("Do I need to speak German before I come to Germany?")
    assert "Recognition partnership (§ 16d (3)): German A2" in answer
    assert 'Hotline "Working and Living in Germany"' in answer and "Source:" in answer

    unknown = text("candidate_link_unknown", "en")
    assert candidate.say("My code is ZZZZ-ZZZZ-ZZZZ") == unknown
    assert candidate.say("my code is X4RT-MQ7B") == unknown

    linked = candidate.say(code)
    assert linked.startswith("Thank you, you are now linked to your employer's case. Status: received")
    assert "Power of attorney from the worker for the employer" in linked
    assert "Colour copy of the worker's passport data page" in linked
    assert "Employment contract" not in linked and "Erklärung zum Beschäftigungsverhältnis" not in linked
    assert reference not in linked and not any(data in linked for data in EMPLOYERS_DATA)


def test_a_candidate_on_telegram_asks_in_german_and_links_with_the_code(
    bot_url: str, channel_standins: ChannelStandIns, case: Tuple[str, str]
) -> None:
    reference, code = case
    candidate = TelegramUser(bot_url, channel_standins, chat_id=770_201, language_code="de")
    answer = candidate.say("Kann ich meine Frau und meine Kinder mit nach Deutschland nehmen?")
    assert "Ihr Ehe- oder eingetragener Lebenspartner und Ihre minderjährigen ledigen Kinder" in answer
    assert "Hotline „Arbeiten und Leben in Deutschland“" in answer  # parents: not in the knowledge file

    assert candidate.say("Mein Code ist 9ZZZ-ZZZZ-ZZZZ") == text("candidate_link_unknown", "de")
    linked = candidate.say(f"Mein Code ist {code.lower()}")
    assert linked.startswith("Danke, Sie sind jetzt mit dem Fall Ihres Arbeitgebers verbunden. Stand: eingegangen")
    assert "Vollmacht der Fachkraft für den Arbeitgeber" in linked
    assert reference not in linked and not any(data in linked for data in EMPLOYERS_DATA)


def test_a_revoked_code_stops_working_and_a_new_one_works(
    bot_url: str, backend_url: str, credentials: dict, channel_standins: ChannelStandIns, case: Tuple[str, str]
) -> None:
    reference, code = case
    candidate = WhatsAppUser(bot_url, channel_standins, "4915100000202")
    candidate.say("Hello, I am the skilled worker")
    assert candidate.say(f"my code is {code}").startswith("Thank you, you are now linked")
    _staff(backend_url, credentials, "DELETE", reference)
    assert candidate.say(f"my code is {code}") == text("candidate_link_unknown", "en")
    new_code = _staff(backend_url, credentials, "POST", reference)["candidate_link_code"]
    assert new_code != code
    assert candidate.say(f"my code is {new_code}").startswith("Thank you, you are now linked")
