"""The bot's knowledge files read as data, so that clerks see the words employers see.

The backend never imports the bot: it reads `checklist.yml`, `municipalities.yml` and
`organisations.yml` (and the path finder's title names from `pathfinder_messages.yml`) from a directory (setting `knowledge_dir`, default the repository's
`bot/knowledge`) with its own reader. Each file is re-read when it changes; a file that is
missing or has an entry without the expected keys yields fewer labels, never a crash.
"""

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger("backend.knowledge")
DEFAULT_KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "bot" / "knowledge"
LANGUAGES = ("de", "en")


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    name: dict[str, str]  # language -> full name
    hint: dict[str, str]  # language -> one line: what the document is, who issues it


@dataclass(frozen=True)
class Knowledge:
    checklist: dict[str, ChecklistItem]
    municipalities: dict[str, str]  # id -> name as written
    organisations: dict[str, dict[str, str]]  # id -> language -> display name
    route_titles: dict[str, dict[str, str]]  # path-finder title code -> language -> name


_directory = DEFAULT_KNOWLEDGE_DIR
_cache: dict[Path, tuple[float, Any]] = {}


def use_directory(directory: Path) -> None:
    """Called once at start-up with the configured `knowledge_dir`."""
    global _directory
    _directory = directory


def _load(path: Path) -> Any:
    try:
        modified = path.stat().st_mtime
    except OSError:
        log.warning("knowledge file %s is missing", path.name)
        return None
    cached = _cache.get(path)
    if cached is None or cached[0] != modified:
        cached = (modified, yaml.safe_load(path.read_text(encoding="utf-8")))
        _cache[path] = cached
    return cached[1]


def _texts(raw: dict[str, Any], prefix: str) -> dict[str, str]:
    return {lang: str(raw[key]) for lang in LANGUAGES if (key := f"{prefix}{lang}") in raw and raw[key]}


def _checklist(document: Any) -> dict[str, ChecklistItem]:
    entries = document.get("items", []) if isinstance(document, dict) else []
    return {
        str(raw["id"]): ChecklistItem(str(raw["id"]), _texts(raw, ""), _texts(raw, "hint_"))
        for raw in entries
        if isinstance(raw, dict) and "id" in raw
    }


def _municipalities(document: Any) -> dict[str, str]:
    entries = document.get("municipalities", []) if isinstance(document, dict) else []
    return {
        str(raw["id"]): str(raw["name"]) for raw in entries if isinstance(raw, dict) and "id" in raw and raw.get("name")
    }


def _organisations(document: Any) -> dict[str, dict[str, str]]:
    entries = document.get("organisations", {}) if isinstance(document, dict) else {}
    return {str(org_id): _texts(names, "") for org_id, names in entries.items() if isinstance(names, dict)}


def _route_titles(document: Any) -> dict[str, dict[str, str]]:
    entries = document.get("titles", {}) if isinstance(document, dict) else {}
    return {str(code): _texts(names, "") for code, names in entries.items() if isinstance(names, dict)}


def knowledge() -> Knowledge:
    return Knowledge(
        checklist=_checklist(_load(_directory / "checklist.yml")),
        municipalities=_municipalities(_load(_directory / "municipalities.yml")),
        organisations=_organisations(_load(_directory / "organisations.yml")),
        route_titles=_route_titles(_load(_directory / "pathfinder_messages.yml")),
    )
