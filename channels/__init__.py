"""Lotse's Rasa channel connectors, each listed by module path in `credentials.yml`.

Teams (`channels.teams.TeamsInput`), WhatsApp Business Cloud API (`channels.whatsapp.WhatsAppInput`)
and Telegram (`channels.telegram.TelegramInput`) share `outgoing_http` (timeouts, retries),
`connector_store` (state under LOTSE_VAR_DIR) and their own German/English texts
(`bot/connector_texts.yml`, read through `bot/texts.py`).
"""

from channels import action_failures, action_results

action_results.install()  # every Rasa server of Lotse loads its channels: the action-answer check, schema checked once
action_failures.install()  # and a polite answer when the action server cannot be reached
