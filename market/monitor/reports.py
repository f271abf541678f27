"""A bank partner's daily QR-payment report (CSV): checked row by row, imported all or nothing.

Columns (header row, any order): ``account_number``, ``date`` (dd/mm/yyyy or yyyy-mm-dd),
``count``, ``amount``; optional ``bank_bin``. Importing the same report again replaces the
same days' figures, so it changes nothing.

The file is read as a stream, ``CHUNK`` rows at a time: each chunk's accounts are looked up in
one query and, when importing, its rows written at once, so a report of a million rows needs
memory for a chunk and one small key per row (to find a stall and day given twice), not for
the file. The caller commits only when every row was right, and rolls back otherwise.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from flask_babel import gettext as _

from market.monitor.activity import set_day
from market.monitor.registry_lookup import stalls_paid_by_each

REQUIRED = ("account_number", "date", "count", "amount")
CHUNK = 2000
SHOWN = 1000  # errors listed; the count covers them all


@dataclass
class ReportCheck:
    """The outcome: how many rows are right (written, when importing) and the errors by row
    number (the first ``SHOWN``)."""

    count: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    def refuse(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < SHOWN:
            self.errors.append((line, message))


def _day(text: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _whole(text: str) -> int:
    value = int(text.replace(".", "").replace(",", "").replace(" ", ""))
    if value < 0:
        raise ValueError(text)
    return value


def _text(content: bytes | str | IO[bytes]) -> IO[str]:
    if isinstance(content, str):
        return io.StringIO(content, newline="")
    binary = io.BytesIO(content) if isinstance(content, bytes) else content
    # newline="" lets the csv module handle line breaks inside quoted fields itself.
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


def check_report(content: bytes | str | IO[bytes], *, write: bool = False,
                 progress: Callable[[int], None] | None = None) -> ReportCheck:
    """Read and check every row; with ``write``, also write each chunk of right rows as long
    as no row was wrong (flushes; the caller commits only when ``ok``). ``progress`` is told
    the number of rows read after each chunk."""
    check = ReportCheck()
    reader = csv.DictReader(_text(content))
    try:
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
    except UnicodeDecodeError:
        check.refuse(1, _("Tệp không phải CSV dạng văn bản UTF-8."))
        return check
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        check.refuse(1, _("Thiếu cột: %(columns)s.", columns=", ".join(missing)))
        return check
    reader.fieldnames = header
    seen: dict[int, int] = {}  # stall and day as one int → the row that gave them first
    chunk: list[tuple[int, dict]] = []
    line = 1
    try:
        for line, raw in enumerate(reader, start=2):
            chunk.append((line, {k: (v or "").strip() for k, v in raw.items() if k}))
            if len(chunk) == CHUNK:
                _check_chunk(chunk, check, seen, write)
                chunk = []
                if progress:
                    progress(line - 1)
        _check_chunk(chunk, check, seen, write)
        if progress:
            progress(line - 1)
    except csv.Error as error:  # e.g. a field longer than the csv module accepts
        check.refuse(reader.line_num, _("Tệp CSV hỏng: %(reason)s.", reason=str(error)))
    except UnicodeDecodeError:
        check.refuse(reader.line_num, _("Tệp không phải CSV dạng văn bản UTF-8."))
    return check


def _check_chunk(chunk: list[tuple[int, dict]], check: ReportCheck, seen: dict[int, int],
                 write: bool) -> None:
    parsed, errors = [], []
    for line, row in chunk:
        error, values = _check_row(row)
        if error:
            errors.append((line, error))
        else:
            parsed.append((line, values))
    stalls = stalls_paid_by_each([(v["account_number"], v["bank_bin"]) for _, v in parsed])
    good = []
    for (line, values), found in zip(parsed, stalls, strict=True):
        number = values.pop("account_number")
        values.pop("bank_bin")
        if len(found) != 1:
            errors.append((line, _("Tài khoản %(number)s không thuộc đúng một gian hàng đang thuê.",
                                 number=number)))
            continue
        values["stall_id"] = found[0]
        key = found[0] * 4_000_000 + values["day"].toordinal()
        if key in seen:
            errors.append((line, _("Trùng gian hàng và ngày với dòng %(line)d.", line=seen[key])))
            continue
        seen[key] = line
        good.append(values)
    for line, error in sorted(errors):
        check.refuse(line, error)
    check.count += len(good)
    if write and check.ok:
        set_day(good)


def _check_row(row: dict) -> tuple[str | None, dict]:
    number = row.get("account_number", "")
    if not number.isdigit():
        return _("Số tài khoản %(number)r không hợp lệ.", number=number), {}
    try:
        day = _day(row.get("date", ""))
    except ValueError:
        return _("Ngày %(day)r không hợp lệ (dd/mm/yyyy).", day=row.get("date", "")), {}
    try:
        payments, amount = _whole(row.get("count", "")), _whole(row.get("amount", ""))
    except ValueError:
        return _("Số giao dịch hoặc số tiền không hợp lệ."), {}
    return None, {"account_number": number, "bank_bin": row.get("bank_bin", ""), "day": day,
                  "payments": payments, "amount": amount}


def import_report(content: bytes | str | IO[bytes],
                  progress: Callable[[int], None] | None = None) -> ReportCheck:
    """Check and write every row; the caller commits when ``ok``, else rolls back (all or
    nothing). Flushes only."""
    return check_report(content, write=True, progress=progress)
