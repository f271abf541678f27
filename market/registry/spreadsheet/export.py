"""The registry as a spreadsheet (CSV or XLSX) with the import's columns, and the blank template."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from functools import cache

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import and_, select

from market.auth.access import market_scope, mask_account, sees_vendor_contact
from market.downloads import inert, xlsx_row
from market.extensions import db
from market.models import BankAccount, Market, Stall, Tenancy, User, Vendor
from market.models.registry import CATEGORY_LABELS, STATUS_LABELS
from market.registry.spreadsheet.columns import (
    COLUMNS,
    CellError,
    bank,
)
from market.vietqr import all_banks, get_bank

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def registry_rows(user: User | None, market: Market | None = None) -> Iterator[list[str]]:
    """One list of cell texts per stall the user may see, in the columns' order.

    ``user`` None is the command line (every market, account numbers in full).
    """
    query = (
        select(Market.code, Stall, Vendor, BankAccount)
        .join(Stall.market)
        .outerjoin(Tenancy, and_(Tenancy.stall_id == Stall.id, Tenancy.end_on.is_(None)))
        .outerjoin(Vendor, Vendor.id == Tenancy.vendor_id)
        .outerjoin(BankAccount, and_(BankAccount.vendor_id == Vendor.id,
                                     BankAccount.retired_at.is_(None)))
        .where(Market.retired_at.is_(None))
        .order_by(Market.code, Stall.code)
    )
    if user is not None:
        query = query.where(market_scope(user))
    if market is not None:
        query = query.where(Market.id == market.id)
    for market_code, stall, vendor, account in db.session.execute(query).yield_per(2000):
        yield [
            market_code, stall.code, stall.zone, stall.row,
            "" if stall.number is None else str(stall.number),
            str(CATEGORY_LABELS[stall.category]), str(STATUS_LABELS[stall.status]),
            *_vendor_cells(vendor, user), *_account_cells(account, user),
        ]


def _vendor_cells(vendor: Vendor | None, user: User | None) -> list[str]:
    if vendor is None:
        return ["", "", "", ""]
    if not sees_vendor_contact(user):
        return [vendor.name, vendor.shop_name, "", ""]
    birth_year = "" if vendor.birth_year is None else str(vendor.birth_year)
    return [vendor.name, vendor.shop_name, vendor.phone or "", birth_year]


def _account_cells(account: BankAccount | None, user: User | None) -> list[str]:
    if account is None:
        return ["", "", ""]
    number = account.account_number if user is None else mask_account(account.account_number, user)
    return [bank_name(account.bank_bin), number, account.holder_name]


@cache
def bank_name(bank_bin: str) -> str:
    """The bank's short name when it reads back as the same bank, otherwise its BIN."""
    entry = get_bank(bank_bin)
    if entry is None:
        return bank_bin
    try:
        return entry.short_name if bank(entry.short_name) == bank_bin else bank_bin
    except CellError:
        return bank_bin


def write_csv(rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows the Vietnamese letters."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.header for column in COLUMNS])
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(rows: Iterable[list[str]], *, guide: bool = False) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Gian hàng")
    for position, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    if guide:
        _write_guide(workbook.create_sheet("Hướng dẫn"), bold)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_guide(sheet, bold: Font) -> None:
    """The accepted values, on a second sheet of the template (the import reads the first)."""
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 60
    for title, pairs in (
        ("Ngành hàng", [(m.value, str(label)) for m, label in CATEGORY_LABELS.items()]),
        ("Trạng thái", [(m.value, str(label)) for m, label in STATUS_LABELS.items()]),
    ):
        heading = WriteOnlyCell(sheet, value=title)
        heading.font = bold
        sheet.append([heading])
        for code, label in pairs:
            sheet.append([code, label])
        sheet.append([])
    heading = WriteOnlyCell(sheet, value="Ngân hàng (BIN, mã, tên viết tắt, tên đầy đủ)")
    heading.font = bold
    sheet.append([heading])
    for entry in all_banks():
        sheet.append([entry.bin, f"{entry.code} · {entry.short_name}", entry.name])


def template(file_format: str) -> bytes:
    """The blank spreadsheet with the Vietnamese headers (and a guide sheet in XLSX)."""
    return write_csv([]) if file_format == "csv" else write_xlsx([], guide=True)
