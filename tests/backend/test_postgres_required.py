"""D11: without PostgreSQL the PostgreSQL half of the suite fails; it is never skipped."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_unreachable_postgres_makes_the_suite_fail() -> None:
    environment = {**os.environ, "LOTSE_TEST_POSTGRES_SERVER": "postgres@127.0.0.1:9"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(HERE / "test_health.py"),
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "postgres",
        ],
        check=False,
        cwd=HERE.parents[1],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = run.stdout.strip().splitlines()[-1]
    assert run.returncode != 0
    assert "error" in summary and "skipped" not in summary, summary
