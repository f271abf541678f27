"""The monthly report as an XLSX workbook: the PDF's figures, one sheet per part.

Each sheet starts with the report's title (period and area), then the day the figures are
from, then a header row that stays frozen while scrolling and repeats on printed pages.
Dates are real dates shown dd/mm/yyyy; text (names typed by users among it) is always
stored as text, so a name starting with "=" is never run as a formula.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from market.dashboard.figures import Row
from market.dashboard.reports import AreaReport, rung_labels
from market.downloads import xlsx_row

DATE_FORMAT = "dd/mm/yyyy"
SHARE_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
HEADER_ROW = 4
WIDEST = 60  # characters: longer text wraps


def _pct(value: float) -> float:
    return round(value, 1)


class ReportSheet:
    """One sheet: title rows, a frozen header, rows appended with their formats."""

    def __init__(self, sheet: Worksheet, report: AreaReport, header: list[str]) -> None:
        self.sheet = sheet
        sheet.append(xlsx_row(sheet, [report.title]))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([_("Số liệu ngày"), report.figures.day])
        sheet["B2"].number_format = DATE_FORMAT
        sheet["B2"].alignment = Alignment(horizontal="left")
        sheet.append([])
        self.append(header)
        for cell in sheet[HEADER_ROW]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = f"A{HEADER_ROW + 1}"
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.oddHeader.center.text = report.title.replace("&", "&&")

    def append(self, values: Iterable) -> None:
        self.sheet.append(xlsx_row(self.sheet, values))  # text stays text, "=1+1" included
        for cell in self.sheet[self.sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, float):
                cell.number_format = SHARE_FORMAT
            elif isinstance(cell.value, int):
                cell.number_format = COUNT_FORMAT

    def fit_columns(self) -> None:
        """Each column as wide as its longest value (the title row spills over, as meant)."""
        widths: dict[int, int] = {}
        for row in self.sheet.iter_rows(min_row=2):
            for cell in row:
                widths[cell.column] = max(widths.get(cell.column, 0), _shown_length(cell))
        for column, width in widths.items():
            self.sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, WIDEST)
        for row in self.sheet.iter_rows(min_row=HEADER_ROW + 1):
            for cell in row:
                if isinstance(cell.value, str) and len(cell.value) > WIDEST:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _shown_length(cell) -> int:
    value = cell.value
    if value is None:
        return 0
    if isinstance(value, date):
        return len(DATE_FORMAT)
    if isinstance(value, float):
        return len(f"{value:,.1f}")
    if isinstance(value, int):
        return len(f"{value:,}")
    # A header wraps onto two lines rather than widen its column past its values.
    longest = max(len(line) for line in str(value).splitlines() or [""])
    return min(longest, 24) if cell.row == HEADER_ROW else longest


def table_header() -> list[str]:
    labels = rung_labels()
    return [_("Mã"), _("Tên"), _("Số gian hàng đang kinh doanh"),
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
    """The same figures as the PDF: summary, markets, steps, trend and how they are counted."""
    figures, labels = report.figures, rung_labels()
    book = Workbook()
    book.properties.title = report.title
    book.remove(book.active)
    sheets = []

    summary = ReportSheet(book.create_sheet(_("Tổng hợp")), report,
                          [_("Chỉ số"), _("Số gian hàng"), _("Tỉ lệ (%)"), _("Mục tiêu (%)")])
    summary.append([_("Gian hàng đang kinh doanh"), figures.total["operating"]])
    for rung, label in labels.items():
        summary.append([label, figures.total[f"reached_{rung}"],
                        _pct(figures.total.share(f"reached_{rung}")), getattr(figures.targets, rung)])
    sheets.append(summary)

    table = ReportSheet(book.create_sheet(_("Bảng chợ")), report, table_header())
    for row in figures.rows:
        table.append(table_row(row))
    sheets.append(table)

    steps = ReportSheet(book.create_sheet(_("Các bậc")), report,
                        [_("Bậc"), _("Số gian hàng"), _("Tỉ lệ (%)")])
    for step, count, share in report.steps():
        steps.append([step.label, count, _pct(share)])
    sheets.append(steps)

    trend = ReportSheet(book.create_sheet(_("Xu hướng")), report,
                        [_("Ngày"), *(f"{labels[r]} (%)" for r in labels), _("Gian hàng đang kinh doanh")])
    for day, point in figures.monthly:
        trend.append([day, *(_pct(point.share(f"reached_{r}")) for r in labels), point["operating"]])
    sheets.append(trend)

    terms = ReportSheet(book.create_sheet(_("Cách tính")), report, [_("Thuật ngữ"), _("Cách tính")])
    for definition in report.definitions:
        terms.append([definition.term, definition.meaning])
    sheets.append(terms)

    for sheet in sheets:
        sheet.fit_columns()
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
