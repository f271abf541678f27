"""The monthly report of an area (PDF through WeasyPrint; the XLSX in ``report_book``).

Every figure of a month's report is read from the stored snapshots of one day: the month's
last *closed* day (a day before today whose snapshots were written after it ended). Nothing
is counted again from today's registry, so the report generated later gives the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import func, select
from weasyprint import HTML

from market.dashboard.charts import RUNGS, WIDTH, Series, line_chart
from market.dashboard.definitions import Definition, definitions
from market.dashboard.figures import AreaFigures, Figures, area_targets, compute_area
from market.extensions import db
from market.models import AdminUnit, AdoptionSnapshot, AdoptionStep, User
from market.monitor.clock import day_end
from market.signs.pdf import url_fetcher


@dataclass
class AreaReport:
    title: str
    area: str
    month: date  # its first day
    figures: AreaFigures  # of ``figures.day``, the month's last closed day (None: no figures)
    definitions: list[Definition]

    @property
    def period(self) -> str:
        return self.month.strftime("%m/%Y")

    def steps(self) -> list[tuple[AdoptionStep, int, float]]:
        """Stalls on each step of the ladder that day, with their share of operating stalls."""
        total = self.figures.total
        return [(step, total[step.value], total.share(step.value)) for step in AdoptionStep]


def rung_labels() -> dict[str, str]:
    return {"registered": _("Có tài khoản"), "displayed": _("Đã treo mã QR"), "active": _("Đang dùng QR")}


def trend_chart(points, title: str, width: float = WIDTH):
    labels = rung_labels()
    series = [
        Series(labels[rung], [f.share(f"reached_{rung}") for _, f in points], colour, dash)
        for rung, colour, dash in RUNGS
    ]
    return line_chart([day for day, _ in points], series, title=title, width=width)


def report_month(text: str | None) -> date | None:
    """The first day of a month given as ``YYYY-MM`` (None when empty or not a month)."""
    try:
        return datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return None


def month_last_day(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def closed_day(until: date, today: date, since: date | None = None) -> date | None:
    """The last closed day up to ``until`` (and from ``since``): a day before today whose
    snapshots were all written after it ended (figures written while it ran are provisional)."""
    query = (
        select(AdoptionSnapshot.day, func.min(AdoptionSnapshot.computed_at))
        .where(AdoptionSnapshot.day <= min(until, today - timedelta(days=1)))
        .group_by(AdoptionSnapshot.day)
        .order_by(AdoptionSnapshot.day.desc())
    )
    if since is not None:
        query = query.where(AdoptionSnapshot.day >= since)
    for day, first_written in db.session.execute(query):
        if first_written >= day_end(day):
            return day
    return None


def report_title(area: str, month: date) -> str:
    return _("Báo cáo Chợ 4.0 tháng %(month)s: %(area)s", month=month.strftime("%m/%Y"), area=area)


def area_report(user: User, unit: AdminUnit | None, month: date | None, today: date) -> AreaReport:
    """The report of ``unit`` (the user's markets when None) for the month starting ``month``;
    by default the month of the last closed day."""
    area = unit.name if unit else _("các chợ được giao")
    if month is None:
        day = closed_day(today, today)
        month = (day or today - timedelta(days=1)).replace(day=1)
    else:
        day = closed_day(month_last_day(month), today, since=month)
    if day is None:
        figures = AreaFigures(None, None, Figures(), area_targets(unit), [], [], [], {})
    else:
        figures = compute_area(user, unit, day)
    return AreaReport(report_title(area, month), area, month, figures, definitions())


def report_pdf(report: AreaReport) -> bytes:
    chart = None
    if report.figures.monthly:
        chart = trend_chart(report.figures.monthly, _("Tỉ lệ theo tháng (%)"), width=520)  # 170 mm of paper
    html = render_template("reports/area.html", report=report, labels=rung_labels(), chart=chart)
    return HTML(string=html, url_fetcher=url_fetcher()).write_pdf()
