"""The real process as `make run` starts it: migrations, dev credentials, health, a ticket."""

import json

import httpx
from backend_process import serving
from test_health import NO_INSIGHTS_YET
from ticket_bodies import FULL_BODY

from backend.settings import Settings


def test_serve_migrates_writes_credentials_and_accepts_the_bot(settings: Settings) -> None:
    with serving(settings) as (server, health):
        base = f"{server}/api/v1"
        assert health.json() == {"status": "ok", "database": "ok", "insights": NO_INSIGHTS_YET}
        credentials = json.loads(settings.credentials_file.read_text())
        bot = {"Authorization": f"Bearer {credentials['bot']['api_token']}"}
        created = httpx.post(f"{base}/tickets", json=FULL_BODY, headers=bot, timeout=10)
        assert created.status_code == 201
        hwk = {"Authorization": f"Bearer {credentials['hwk_hannover']['api_token']}"}
        listed = httpx.get(f"{base}/tickets", headers=hwk, timeout=10).json()
        assert [item["reference"] for item in listed["items"]] == [FULL_BODY["reference"]]
        too_big = httpx.post(f"{base}/tickets", content=b"x" * 300_000, headers=bot, timeout=10)
        assert too_big.status_code == 413
        assert too_big.json()["error"]["code"] == "payload_too_large"
