"""Uploaded bytes → rows of cell text, after checking what the file really is.

The file name says nothing: an XLSX is recognised by its zip signature, a CSV by decoding
as UTF-8. Sizes are bounded before any parsing: the upload itself, the uncompressed size
the zip declares for its entries (Python's zip reader never inflates an entry past its
declared size, so the declaration is a real bound against zip bombs), and the rows.
"""
from __future__ import annotations

import csv
import io
import zipfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from openpyxl import load_workbook

from market.downloads import FORMULA_START
from market.registry.spreadsheet.columns import COLUMNS, HEADERS, fold
from market.texts import N_

ZIP_SIGNATURE = b"PK\x03\x04"


class SpreadsheetError(ValueError):
    """A file refused as a whole (wrong type, too big, wrong headers, empty)."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 50_000
    max_unzipped_bytes: int = 200 * 1024 * 1024

    @classmethod
    def from_config(cls) -> Limits:
        config = current_app.config
        return cls(
            max_bytes=config.get("IMPORT_MAX_BYTES", cls.max_bytes),
            max_rows=config.get("IMPORT_MAX_ROWS", cls.max_rows),
            max_unzipped_bytes=config.get("IMPORT_MAX_UNZIPPED_BYTES", cls.max_unzipped_bytes),
        )


@dataclass
class Sheet:
    file_format: str  # "csv" or "xlsx"
    # (row number as the spreadsheet shows it, {column key: cell text}); blank rows left out.
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def sniff_format(data: bytes, limits: Limits) -> str:
    """``"xlsx"`` or ``"csv"`` from the content, or SpreadsheetError."""
    if not data:
        raise SpreadsheetError(N_("Tệp trống."))
    if len(data) > limits.max_bytes:
        raise SpreadsheetError(
            N_("Tệp quá lớn: tối đa %(mb)s MB.", mb=limits.max_bytes // (1024 * 1024))
        )
    if data.startswith(ZIP_SIGNATURE):
        return "xlsx"
    if b"\x00" not in data:
        try:
            data.decode("utf-8-sig")
            return "csv"
        except UnicodeDecodeError:
            pass
    raise SpreadsheetError(
        N_("Tệp không phải bảng tính CSV (UTF-8) hoặc XLSX. Hãy lưu lại từ Excel dưới dạng .xlsx.")
    )


def read_sheet(data: bytes, limits: Limits | None = None) -> Sheet:
    """The rows of an uploaded CSV or XLSX file, or SpreadsheetError saying what is wrong."""
    limits = limits or Limits.from_config()
    file_format, lines = _open(data, limits)
    sheet = Sheet(file_format)
    with closing(lines):
        keys = _header_keys(next(lines, None))
        for number, cells in enumerate(lines, start=2):
            texts = {key: cell_text(cells[i]) for i, key in keys.items() if i < len(cells)}
            if not any(texts.values()):
                # Blank rows are skipped, but a sheet of a million of them stops early.
                if number > 2 * limits.max_rows + 1:
                    raise SpreadsheetError(N_("Tệp có quá %(rows)s dòng.", rows=limits.max_rows))
                continue
            if len(sheet.rows) >= limits.max_rows:
                raise SpreadsheetError(N_("Tệp có quá %(rows)s dòng.", rows=limits.max_rows))
            sheet.rows.append((number, texts))
    if not sheet.rows:
        raise SpreadsheetError(N_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    return sheet


def check_file(data: bytes, limits: Limits | None = None) -> str:
    """The quick checks done while the user waits: type, sizes, header row. Returns the format."""
    limits = limits or Limits.from_config()
    file_format, lines = _open(data, limits)
    with closing(lines):
        _header_keys(next(lines, None))
    return file_format


def _open(data: bytes, limits: Limits):
    file_format = sniff_format(data, limits)
    return file_format, _xlsx_rows(data, limits) if file_format == "xlsx" else _csv_rows(data)


def _header_keys(header_row) -> dict[int, str]:
    """Column position → column key; every column of the template must be there."""
    if not header_row:
        raise SpreadsheetError(N_("Tệp trống."))
    keys = {}
    for position, cell in enumerate(header_row):
        key = HEADERS.get(fold(cell_text(cell)))
        if key is not None and key not in keys.values():
            keys[position] = key
    missing = [column.header for column in COLUMNS if column.key not in keys.values()]
    if missing:
        raise SpreadsheetError(
            N_("Dòng 1 phải là dòng tiêu đề của mẫu. Thiếu cột: %(columns)s.",
               columns=", ".join(missing))
        )
    return keys


def cell_text(value) -> str:
    """A cell as text: whole numbers without ``.0``, dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _csv_rows(data: bytes):
    text = data.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    # Excel in Vietnamese settings saves with semicolons; pick the separator the header uses.
    delimiter = max(",;\t", key=first_line.count)
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield [_without_apostrophe(cell) for cell in row]


def _without_apostrophe(cell: str) -> str:
    """The export writes ``'=…`` so that Excel shows a formula-like text as text."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_START else cell


def _xlsx_rows(data: bytes, limits: Limits):
    _check_archive(data, limits)
    broken = SpreadsheetError(N_("Tệp XLSX bị hỏng, không mở được."))
    # openpyxl raises many kinds of error (KeyError, XML errors, …) on a broken file.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = workbook.worksheets[0].iter_rows(values_only=True)
    except Exception:  # noqa: BLE001
        raise broken from None
    try:
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:  # noqa: BLE001
                raise broken from None
            yield row
    finally:
        workbook.close()


def _check_archive(data: bytes, limits: Limits) -> None:
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError(N_("Tệp XLSX bị hỏng, không mở được.")) from None
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise SpreadsheetError(N_("Tệp nén này không phải bảng tính XLSX."))
    if sum(entry.file_size for entry in entries) > limits.max_unzipped_bytes:
        raise SpreadsheetError(N_("Tệp XLSX khi giải nén quá lớn."))
