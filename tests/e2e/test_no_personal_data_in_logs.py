"""After real conversations, no e-mail address, company name or message text is in var/log/."""

from __future__ import annotations

from conftest import Conversation
from intake_script import CARPENTER_IN_GARBSEN_DE, run_intake
from stack import Stack

SECRET_COMPANY = "Zitronenfalter Feinmechanik GmbH"
SECRET_EMAIL = "geheim.person@zitronenfalter-feinmechanik.de"
SECRET_QUESTION = "Zitronenfalterfrage zur Gebühr"
SECRET_NAME = "Zacharias Zitronenfalter"
SECRET_PHONE = "0511 9876543"


def test_logs_carry_no_personal_data(stack: Stack, german: Conversation) -> None:
    german.say_text(SECRET_QUESTION)
    answers = list(CARPENTER_IN_GARBSEN_DE)
    answers[1], answers[15], answers[16], answers[17] = SECRET_COMPANY, SECRET_NAME, SECRET_EMAIL, SECRET_PHONE
    run_intake(german, answers)
    german.say_text("ja")
    logs = "\n".join(path.read_text(errors="replace") for path in (stack.var_dir / "log").glob("*.log"))
    for secret in (SECRET_COMPANY, SECRET_EMAIL, "zitronenfalter", SECRET_QUESTION, SECRET_NAME, "9876543"):
        assert secret.lower() not in logs.lower(), f"{secret!r} found in var/log/"
