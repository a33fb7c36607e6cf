"""The widget in a real browser (Debian's Chromium through Playwright) against the running stack."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from stack import Stack

BROWSER_TESTS = Path(__file__).resolve().parents[1] / "browser"


def test_widget_in_chromium(stack: Stack, credentials: dict, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LOTSE_WEB_URL": f"http://127.0.0.1:{stack.ports.web}",
        "LOTSE_BOT_URL": f"http://127.0.0.1:{stack.ports.rasa}",
        # the status notice spec changes a ticket's status as the Handwerkskammer's staff
        "LOTSE_BACKEND_URL": f"http://127.0.0.1:{stack.ports.backend}",
        "LOTSE_STAFF_TOKEN": credentials["hwk_hannover"]["api_token"],
        "LOTSE_BROWSER_ARTIFACTS": str(tmp_path / "artifacts"),
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
    }
    run = subprocess.run(
        ["npx", "playwright", "test"], cwd=BROWSER_TESTS, env=env, capture_output=True, text=True, timeout=900
    )
    print(run.stdout[-6000:], run.stderr[-3000:])
    assert run.returncode == 0, f"Playwright failed:\n{run.stdout[-6000:]}\n{run.stderr[-3000:]}"
