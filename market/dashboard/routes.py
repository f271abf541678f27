"""Dashboard pages: areas, markets, floor plans, data quality, reports."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import (
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from market.auth.access import Action, market_or_404, mask_account, requires, scope_key
from market.dashboard import bp
from market.dashboard.charts import bar_chart
from market.dashboard.definitions import definitions
from market.dashboard.figures import (
    AreaFigures,
    area_figures,
    cached,
    computed_at,
    market_figures,
    scoped_markets,
)
from market.dashboard.floor_plan import floor_plan, recent_swapped_signs
from market.dashboard.quality import quality_report
from market.dashboard.report_book import report_xlsx
from market.dashboard.reports import (
    area_report,
    report_month,
    report_pdf,
    rung_labels,
    trend_chart,
)
from market.dashboard.scope import breadcrumbs, home_unit, unit_or_404
from market.downloads import content_disposition
from market.ids import id_arg
from market.models import AdoptionStep, StallStatus
from market.monitor.clock import local_today


def charts(figures: AreaFigures) -> dict:
    labels = rung_labels()

    def trend(points, title):
        return trend_chart(points, title) if points else None

    def bars(groups, title):
        if not groups:
            return None
        data = [(name, [f.share(f"reached_{r}") for r in labels]) for name, f in groups]
        return bar_chart(data, list(labels.values()), title=title)

    return {
        "weekly": trend(figures.weekly, _("Theo tuần (%)")),
        "monthly": trend(figures.monthly, _("Theo tháng (%)")),
        "by_class": bars([(_("Chợ hạng %(n)s", n=c), f) for c, f in figures.by_class.items()],
                         _("Theo hạng chợ (%)")),
        "by_category": bars([(c.label, f) for c, f in figures.by_category.items()],
                            _("Theo ngành hàng (%)")),
    }


@bp.get("/")
@requires(Action.READ)
def index():
    unit = home_unit()
    if unit is not None:
        return redirect(url_for("dashboard.area", unit_id=unit.id))
    return render_area(None)


@bp.get("/units/<int:unit_id>")
@requires(Action.READ)
def area(unit_id: int):
    return render_area(unit_or_404(unit_id))


def kept_body(key: tuple, template: str, context: Callable[[], dict]) -> Markup:
    """A page's content rendered once per state of the snapshots, scope, language and day: the
    pages around it (menu, user, CSRF token) are rendered per request."""
    locale = str(get_locale())
    # Today's date too: whether a day's figures are provisional changes at midnight.
    return cached((*key, locale, local_today()), lambda: Markup(render_template(template, **context())))


def render_area(unit):
    def context() -> dict:
        figures = area_figures(current_user, unit)
        return {"unit": unit, "crumbs": breadcrumbs(unit), "figures": figures, "charts": charts(figures),
                    "labels": rung_labels(), "computed_at": computed_at(), "definitions": definitions()}

    key = ("area-page", scope_key(current_user), current_user.role.value, unit.id if unit else None)
    body = kept_body(key, "dashboard/_area_body.html", context)
    return render_template("dashboard/area.html", unit=unit, body=body)


@bp.get("/markets/<int:market_id>")
@requires(Action.READ)
def market(market_id: int):
    market = market_or_404(market_id)

    def context() -> dict:
        figures = market_figures(market)
        return {"market": market, "crumbs": breadcrumbs(market.commune), "figures": figures,
                    "charts": charts(figures), "labels": rung_labels(), "computed_at": computed_at(),
                    "steps": list(AdoptionStep), "definitions": definitions()}

    key = ("market-page", market.id, scope_key(current_user), current_user.role.value)
    body = kept_body(key, "dashboard/_market_body.html", context)
    return render_template("dashboard/market.html", market=market, body=body)


@bp.get("/markets/<int:market_id>/plan")
@requires(Action.READ)
def plan(market_id: int):
    market = market_or_404(market_id)
    today = local_today()
    alerted = recent_swapped_signs(market.id)

    def context() -> dict:
        return {"market": market, "plan": floor_plan(market, today, alerted), "today": today,
                    "steps": list(AdoptionStep), "statuses": [StallStatus.VACANT, StallStatus.CLOSED]}

    key = ("plan-page", market.id, today, alerted)
    body = kept_body(key, "dashboard/_plan_body.html", context)
    return render_template("dashboard/plan.html", market=market, body=body)


@bp.get("/quality")
@requires(Action.READ)
def quality():
    unit = home_unit()
    report = quality_report(scoped_markets(current_user, unit.id if unit else None), local_today())
    return render_template("dashboard/quality.html", report=report,
                           mask=lambda number: mask_account(number, current_user))


# The first month a report may be asked for: none of the registry is older.
REPORT_FIRST_MONTH = date(2000, 1, 1)


def _report_scope():
    """The area and month asked for (``unit``, ``month`` = YYYY-MM; default: the last closed)."""
    unit_id = id_arg("unit")
    unit = unit_or_404(unit_id) if unit_id else home_unit()
    asked = request.args.get("month")
    month = report_month(asked)
    if asked and (month is None or not REPORT_FIRST_MONTH <= month <= local_today()):
        abort(400, _("Tháng không hợp lệ: nhập theo dạng YYYY-MM, từ 01/2000 đến tháng này."))
    return area_report(current_user, unit, month, local_today()), unit


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": content_disposition(filename)})


def _file_name(report, unit, extension: str) -> str:
    return f"bao-cao-cho40-{unit.code if unit else 'cac-cho'}-{report.month:%Y-%m}.{extension}"


@bp.get("/report.pdf")
@requires(Action.READ)
def report_as_pdf():
    report, unit = _report_scope()
    return _attachment(report_pdf(report), "application/pdf", _file_name(report, unit, "pdf"))


@bp.get("/report.xlsx")
@requires(Action.READ)
def report_as_xlsx():
    report, unit = _report_scope()
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _attachment(report_xlsx(report), mimetype, _file_name(report, unit, "xlsx"))
