"""The staff UI in a real browser (Debian's Chromium through Playwright) against the real backend."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from stack import Stack

BROWSER_TESTS = Path(__file__).resolve().parents[1] / "browser"


def test_staff_ui_in_chromium(stack: Stack, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LOTSE_BACKEND_URL": f"http://127.0.0.1:{stack.ports.backend}",
        # labels.spec.ts registers its case through the widget and the real bot
        "LOTSE_WEB_URL": f"http://127.0.0.1:{stack.ports.web}",
        "LOTSE_DEV_CREDENTIALS": str(stack.var_dir / "dev-credentials.json"),
        "LOTSE_BROWSER_ARTIFACTS": str(tmp_path / "artifacts"),
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
    }
    run = subprocess.run(
        ["npx", "playwright", "test", "-c", "playwright.staff.config.ts"],
        cwd=BROWSER_TESTS,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(run.stdout[-6000:], run.stderr[-3000:])
    assert run.returncode == 0, f"Playwright failed:\n{run.stdout[-6000:]}\n{run.stderr[-3000:]}"
