"""The Insights page for the organisations' leads (admins): anonymised conversation figures as
server-rendered SVG with their tables, a CSV export per chart, and the knowledge file's expiring facts."""

from zoneinfo import ZoneInfo

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from backend.api import requests as req
from backend.domain.fact_freshness import read_fact_freshness
from backend.domain.permissions import Action
from backend.services import insights
from backend.services.errors import not_found
from backend.web import charts, insights_view
from backend.web.i18n import language_of
from backend.web.labels import Labels
from backend.web.render import render

insights_bp = Blueprint("staff_insights", url_prefix="/staff/insights")
BERLIN = ZoneInfo("Europe/Berlin")  # the facts' days and the knowledge file's dates are German calendar days
WEEKS_SHOWN = 12


async def _charts(request: Request) -> tuple[insights.Insights, list[insights_view.Chart]]:
    today = req.now(request).astimezone(BERLIN).date()
    async with req.transaction(request) as session:
        figures = await insights.insights(session, today, WEEKS_SHOWN)
    return figures, insights_view.all_charts(figures, Labels(language_of(request)))


@insights_bp.get("/", ctx_action=Action.INSIGHTS_VIEW, strict_slashes=False)
async def insights_page(request: Request) -> HTTPResponse:
    figures, chart_list = await _charts(request)
    today = req.now(request).astimezone(BERLIN).date()
    return render(
        request,
        "insights.html",
        figures=figures,
        charts=chart_list,
        chart=charts,
        fact_freshness=read_fact_freshness(request.app.ctx.settings.knowledge_dir / "facts.yml", today),
    )


@insights_bp.get("/export/<name:str>", ctx_action=Action.INSIGHTS_VIEW)
async def insights_csv(request: Request, name: str) -> HTTPResponse:
    if name not in insights_view.BUILDERS:
        raise not_found()
    _, chart_list = await _charts(request)
    chosen = next(chart for chart in chart_list if chart.id == name)
    disposition = f'attachment; filename="lotse-insights-{name}.csv"'
    return raw(
        insights_view.as_csv(chosen).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": disposition},
    )
