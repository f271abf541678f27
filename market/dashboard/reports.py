"""The monthly report of an area: PDF (WeasyPrint) and the same figures as XLSX (openpyxl)."""
from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import render_template
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from weasyprint import HTML

from market.dashboard.charts import RUNGS, Series, line_chart
from market.dashboard.figures import AreaFigures, Row
from market.dashboard.worklist import worklist
from market.extensions import db
from market.models import AdminUnit, Market
from market.signs.pdf import url_fetcher


@dataclass
class AreaReport:
    title: str
    figures: AreaFigures
    needs: Counter  # worklist: stalls per need
    to_visit: int


def rung_labels() -> dict[str, str]:
    return {"registered": _("Có tài khoản"), "displayed": _("Đã treo mã QR"), "active": _("Đang dùng QR")}


def trend_chart(points, title: str):
    labels = rung_labels()
    series = [
        Series(labels[rung], [f.share(f"reached_{rung}") for _, f in points], colour, dash)
        for rung, colour, dash in RUNGS
    ]
    return line_chart([day for day, _ in points], series, title=title)


def area_report(title: str, figures: AreaFigures, market_ids: list[int], today) -> AreaReport:
    """The report's content; the worklist counts come from the ladder of the area's markets."""
    markets = list(db.session.scalars(select(Market).where(Market.id.in_(market_ids))))
    items = worklist(markets, today)
    needs: Counter = Counter()
    for item in items:
        needs.update(item.needs)
    return AreaReport(title, figures, needs, len(items))


def report_pdf(report: AreaReport) -> bytes:
    html = render_template(
        "reports/area.html", report=report, labels=rung_labels(),
        chart=trend_chart(report.figures.monthly, _("Tỉ lệ theo tháng (%)")) if report.figures.monthly else None,
    )
    return HTML(string=html, url_fetcher=url_fetcher()).write_pdf()


def _pct(value: float) -> float:
    return round(value, 1)


def table_header() -> list[str]:
    labels = rung_labels()
    return [_("Mã"), _("Tên"), _("Gian hàng đang kinh doanh"),
            *(f"{labels[r]} (%)" for r in labels), *(_("Mục tiêu %(r)s (%%)", r=labels[r]) for r in labels),
            *(_("Thay đổi %(r)s (điểm)", r=labels[r]) for r in labels), _("Đạt Chợ 4.0")]


def table_row(row: Row) -> list:
    rungs = ("registered", "displayed", "active")
    changes = [row.change(r) for r in rungs]
    return [row.code, row.name, row.now["operating"],
            *(_pct(row.now.share(f"reached_{r}")) for r in rungs),
            *(getattr(row.targets, r) for r in rungs),
            *(None if c is None else _pct(c) for c in changes),
            _("Đạt") if row.met else _("Chưa đạt")]


def report_xlsx(report: AreaReport) -> bytes:
    """The same figures as the PDF, one sheet per part."""
    figures = report.figures
    labels = rung_labels()
    book = Workbook()
    summary = book.active
    summary.title = _("Tổng hợp")
    summary.append([report.title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_("Số liệu ngày"), figures.day.strftime("%d/%m/%Y") if figures.day else ""])
    summary.append([_("Gian hàng đang kinh doanh"), figures.total["operating"]])
    for rung in labels:
        summary.append([f"{labels[rung]} (%)", _pct(figures.total.share(f"reached_{rung}")),
                        _("Mục tiêu"), getattr(figures.targets, rung)])
    table = book.create_sheet(_("Bảng chợ"))
    table.append(table_header())
    for row in figures.rows:
        table.append(table_row(row))
    trend = book.create_sheet(_("Xu hướng"))
    trend.append([_("Ngày"), *(f"{labels[r]} (%)" for r in labels), _("Gian hàng đang kinh doanh")])
    for day, point in figures.monthly:
        trend.append([day.strftime("%d/%m/%Y"), *(_pct(point.share(f"reached_{r}")) for r in labels),
                      point["operating"]])
    work = book.create_sheet(_("Cần thăm"))
    work.append([_("Gian hàng cần thăm"), report.to_visit])
    for need, count in sorted(report.needs.items()):
        work.append([need, count])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_title(unit: AdminUnit | None, month: date | None = None) -> str:
    area = unit.name if unit else _("các chợ được giao")
    if month is None:
        return _("Báo cáo Chợ 4.0: %(area)s", area=area)
    return _("Báo cáo Chợ 4.0 tháng %(month)s: %(area)s", month=month.strftime("%m/%Y"), area=area)


def month_end(text: str | None) -> date | None:
    """The last day of a month given as ``YYYY-MM`` (None when empty or not a month)."""
    try:
        first = datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)
