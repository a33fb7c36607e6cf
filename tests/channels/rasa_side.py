"""The Rasa side of the connector tests: the channel's blueprint on a real Sanic server, as Rasa
mounts it (`/webhooks/<name>/…`), with a tiny deterministic responder instead of a trained bot.
The responder answers through the message's own output channel, so the real output path runs.
"""

import socket
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, Dict, List
from urllib.parse import urljoin

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Sanic

Replies = Callable[[UserMessage], List[Dict[str, Any]]]

CHOICE_BUTTONS = [
    {"title": "Deutsch", "payload": '/set_language{"language":"de"}'},
    {"title": "English", "payload": '/set_language{"language":"en"}'},
]


def scripted_replies(message: UserMessage) -> List[Dict[str, Any]]:
    """Deterministic answers: a few keywords trigger rich responses, everything else is echoed."""
    text = message.text or ""
    if text == "buttons":
        return [{"text": "Welche Sprache?", "buttons": CHOICE_BUTTONS}]
    if text.startswith("options "):
        count = int(text.split()[1])
        return [
            {
                "text": "Was suchen Sie?",
                "buttons": [{"title": f"Option {n}", "payload": f'/pick{{"n":{n}}}'} for n in range(1, count + 1)],
            }
        ]
    if text == "long titles":
        return [
            {
                "text": "Wählen Sie",
                "buttons": [{"title": "Anerkennung der ausländischen Berufsqualifikation", "payload": "/start_intake"}],
            }
        ]
    if text == "summary":
        return [{"custom": {"adaptive_card": {"body": [{"type": "TextBlock", "text": "Fall LT-2026-7K3QZD"}]}}}]
    return [{"text": f"echo: {text}"}]


@dataclass
class ChannelServer:
    base_url: str
    received: List[UserMessage] = field(default_factory=list)


@asynccontextmanager
async def serve_channel(channel: InputChannel, replies: Replies = scripted_replies) -> AsyncIterator[ChannelServer]:
    app = Sanic(f"lotse_channel_test_{uuid.uuid4().hex[:8]}")
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    server_info = ChannelServer(f"http://127.0.0.1:{listening.getsockname()[1]}")

    async def on_new_message(message: UserMessage) -> None:
        server_info.received.append(message)
        for reply in replies(message):
            await message.output_channel.send_response(message.sender_id, reply)

    app.blueprint(channel.blueprint(on_new_message), url_prefix=urljoin("/webhooks/", channel.url_prefix()))
    server = await app.create_server(sock=listening, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield server_info
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()
