"""A stand-in for the backend's POST /api/v1/insights/facts and PUT /api/v1/insights/consumer-status
(docs/contracts.md), for the consumer's tests (the end-to-end tests use the real backend): bearer token,
at most 500 facts, 422 on unknown fields, idempotent by id, 202 {"stored", "duplicates"}; a status report
with exactly the contract's fields; it can be told to fail the next fact requests."""

from __future__ import annotations

from typing import Any, Dict, List

from aiohttp import web

TOKEN = "bot-token"
FACT_KEYS = {
    "id", "kind", "day", "conversation", "channel", "language", "persona", "topic", "result", "outcome",
    "reason", "question", "value", "text", "knowledge_version",
}  # fmt: skip


class FactsStandin:
    def __init__(self) -> None:
        self.facts: Dict[str, Dict[str, Any]] = {}
        self.requests = 0
        self.fail_next = 0
        self.reports: List[Dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> "FactsStandin":
        app = web.Application()
        app.router.add_post("/api/v1/insights/facts", self._facts)
        app.router.add_put("/api/v1/insights/consumer-status", self._consumer_status)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def stored(self) -> List[Dict[str, Any]]:
        return list(self.facts.values())

    async def _facts(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.fail_next > 0:
            self.fail_next -= 1
            return web.json_response({"error": "unavailable"}, status=503)
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"error": "unauthorized"}, status=401)
        body = await request.json()
        facts = body.get("facts") if isinstance(body, dict) and set(body) == {"facts"} else None
        if not isinstance(facts, list) or len(facts) > 500 or not all(map(_valid, facts)):
            return web.json_response({"error": "invalid"}, status=422)
        duplicates = sum(1 for fact in facts if fact["id"] in self.facts)
        self.facts.update({fact["id"]: fact for fact in facts})
        return web.json_response({"stored": len(facts) - duplicates, "duplicates": duplicates}, status=202)

    async def _consumer_status(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"error": "unauthorized"}, status=401)
        report = await request.json()
        if not _valid_status(report):
            return web.json_response({"error": "invalid"}, status=422)
        self.reports.append(report)
        return web.json_response({"recorded": True})


STATUS_KEYS = {"source", "backlog", "last_event_at", "reported_at"}


def _valid_status(report: Any) -> bool:
    return (
        isinstance(report, dict)
        and set(report) == STATUS_KEYS
        and report["source"] in ("rabbitmq", "sqlite")
        and type(report["backlog"]) is int
        and report["backlog"] >= 0
        and str(report["reported_at"]).endswith("+00:00")
    )


def _valid(fact: Dict[str, Any]) -> bool:
    """A few of the backend's checks: known fields only, the fields a kind requires."""
    required = {"topic_asked": {"topic", "result"}, "intake_abandoned": {"question"}, "feedback": {"value"}}
    return not set(fact) - FACT_KEYS and required.get(fact.get("kind", ""), set()) <= set(fact)
