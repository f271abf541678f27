"""Spreadsheets built in memory for the import tests, with the template's headers."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from market.registry.spreadsheet.columns import COLUMNS

HEADERS = [column.header for column in COLUMNS]


def sheet_row(market: str, stall: str, **cells: str) -> dict[str, str]:
    """One row by header: ``sheet_row("CHO1", "A01", **{"Ngành hàng": "Thịt"})``."""
    row = {"Mã chợ": market, "Mã gian hàng": stall, "Ngành hàng": "Rau, củ"}
    row.update(cells)
    return row


def full_row(market: str, stall: str, name: str = "Nguyễn Thị Lan",
             account: str = "0011012345678", **cells: str) -> dict[str, str]:
    """A row with a vendor and an account."""
    return sheet_row(market, stall, **{
        "Khu": "A", "Dãy": "1", "Số": "3", "Trạng thái": "Đang kinh doanh",
        "Tên hộ kinh doanh": name, "Tên cửa hàng": "", "Số điện thoại": "0912345678",
        "Năm sinh": "1968", "Ngân hàng": "Vietcombank", "Số tài khoản": account,
        "Tên chủ tài khoản": name, **cells,
    })


def xlsx_bytes(rows: list[dict], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict], headers: list[str] = HEADERS, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue().encode("utf-8-sig")


SPREADSHEETS = {"xlsx": xlsx_bytes, "csv": csv_bytes}
