"""`python -m backend migrate` (the Kubernetes migration job) brings an empty database to the newest
schema and is safe to run again."""

import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _migrate(var_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "LOTSE_VAR_DIR": str(var_dir)}
    return subprocess.run(
        [sys.executable, "-m", "backend", "migrate"], cwd=REPO, env=environment, capture_output=True, text=True
    )


def test_migrate_creates_the_schema_and_can_run_again(tmp_path: Path) -> None:
    assert _migrate(tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "backend.sqlite3") as connection:
        [(head,)] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"tickets", "deliveries", "status_notices"} <= tables and head
    assert _migrate(tmp_path).returncode == 0
