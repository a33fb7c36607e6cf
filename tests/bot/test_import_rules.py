"""The import rules of docs/architecture.md ("Folders"), read from the source with `ast` (nothing is imported).

bot/ is plain Python: only its NLU components (bot/nlu/) may use Rasa; the backend is reached over HTTP
only and shares no code with the bot side."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

RASA = {"rasa", "rasa_sdk"}
WEB_SERVERS = {"sanic", "sanic_ext"}
DATABASES = {"sqlalchemy", "alembic", "psycopg", "psycopg2", "aiosqlite", "sqlite3", "redis", "aio_pika"}
BOT_SIDE = {"bot", "actions", "channels", "conversation_store", "state_store"}
# The bot side's one HTTP client is httpx (Rasa itself still brings aiohttp).
OTHER_HTTP_CLIENTS = {"aiohttp", "requests"}

# folder (relative to the repository) → top-level packages its modules must not import
FORBIDDEN: dict[str, set[str]] = {
    "bot": RASA
    | WEB_SERVERS
    | DATABASES
    | OTHER_HTTP_CLIENTS
    | {"actions", "channels", "conversation_store", "state_store", "backend"},
    "bot/nlu": {"rasa_sdk"} | WEB_SERVERS | DATABASES | {"actions", "channels", "conversation_store", "backend"},
    "actions": {"rasa", "channels", "conversation_store", "backend"} | OTHER_HTTP_CLIENTS,
    # channels may use conversation_store: after a turn asking "delete my data" the channel runs the deletion
    "channels": {"rasa_sdk", "actions", "backend"} | OTHER_HTTP_CLIENTS,
    "conversation_store": {"actions", "channels", "backend"},
    "state_store": RASA | WEB_SERVERS | {"bot", "actions", "channels", "conversation_store", "backend"},
    "backend": RASA | BOT_SIDE,
}


def imported_packages(source: str) -> set[str]:
    """Top-level packages a module imports anywhere (also inside functions); relative imports stay inside."""
    packages: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            packages.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            packages.add(node.module.split(".")[0])
    return packages


def rule_folder(relative: str) -> str:
    """The most specific folder of FORBIDDEN that holds the file (a path relative to the repository)."""
    return max((folder for folder in FORBIDDEN if relative.startswith(folder + "/")), key=len)


def violations(relative: str, source: str) -> list[str]:
    forbidden = FORBIDDEN[rule_folder(relative)]
    return [f"{relative} imports {package}" for package in sorted(imported_packages(source) & forbidden)]


def relative_path(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def python_files(folder: str) -> list[Path]:
    files = sorted(path for path in (ROOT / folder).rglob("*.py") if "migrations" not in path.parts)
    assert files, f"no Python files under {folder}/"
    return files


@pytest.mark.parametrize("folder", ["bot", "actions", "channels", "conversation_store", "backend"])
def test_folder_keeps_its_import_rules(folder: str) -> None:
    found = [
        violation
        for path in python_files(folder)
        for violation in violations(relative_path(path), path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_nlu_components_are_the_only_rasa_users_in_bot() -> None:
    users = [path for path in python_files("bot") if imported_packages(path.read_text(encoding="utf-8")) & RASA]
    assert users, "the NLU components import Rasa; if none does, this test reads the wrong files"
    assert all(rule_folder(relative_path(path)) == "bot/nlu" for path in users)


@pytest.mark.parametrize(
    ("source", "packages"),
    [
        ("import rasa.shared.core.events\n", {"rasa"}),
        ("from sqlalchemy.orm import Session\n", {"sqlalchemy"}),
        ("def later():\n    import sanic\n", {"sanic"}),
        ("from . import sibling\nfrom .near import thing\n", set()),
        ("import os, backend.app as app\n", {"os", "backend"}),
    ],
)
def test_imported_packages_reads_every_kind_of_import(source: str, packages: set[str]) -> None:
    assert imported_packages(source) == packages


@pytest.mark.parametrize(
    ("relative", "source", "expected"),
    [
        ("bot/case.py", "from rasa_sdk import Action\nimport sqlalchemy\n", ["rasa_sdk", "sqlalchemy"]),
        ("bot/nlu/gate.py", "from rasa.engine.graph import GraphComponent\nimport sanic\n", ["sanic"]),
        ("bot/knowledge/__init__.py", "import psycopg\n", ["psycopg"]),
        ("backend/services/x.py", "from bot.knowledge import knowledge\n", ["bot"]),
        ("actions/x.py", "from channels.rest import RestInput\n", ["channels"]),
        ("channels/x.py", "from rasa.core.channels import InputChannel\n", []),
        ("channels/x.py", "import aiohttp\nimport httpx\n", ["aiohttp"]),
    ],
)
def test_a_forbidden_import_is_reported(relative: str, source: str, expected: list[str]) -> None:
    assert violations(relative, source) == [f"{relative} imports {package}" for package in expected]
