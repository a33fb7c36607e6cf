"""After real conversations, no e-mail address, company name or message text is in var/log/."""

from __future__ import annotations

from conftest import Conversation
from stack import Stack

SECRET_COMPANY = "Zitronenfalter Feinmechanik GmbH"
SECRET_EMAIL = "geheim.person@zitronenfalter-feinmechanik.de"
SECRET_QUESTION = "Zitronenfalterfrage zur Gebühr"


def test_logs_carry_no_personal_data(stack: Stack, german: Conversation) -> None:
    german.say_text(SECRET_QUESTION)
    for text in ("Ich möchte einen Fall anmelden", SECRET_COMPANY, "Industrie und Handel", "Feinmechaniker", SECRET_EMAIL, "ja"):
        german.say_text(text)
    logs = "\n".join(path.read_text(errors="replace") for path in (stack.var_dir / "log").glob("*.log"))
    for secret in (SECRET_COMPANY, SECRET_EMAIL, "zitronenfalter", SECRET_QUESTION):
        assert secret.lower() not in logs.lower(), f"{secret!r} found in var/log/"
