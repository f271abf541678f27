"""A bank partner's daily QR-payment report (CSV): checked row by row, imported all or nothing.

Columns (header row, any order): ``account_number``, ``date`` (dd/mm/yyyy or yyyy-mm-dd),
``count``, ``amount``; optional ``bank_bin``. Importing the same report again replaces the
same days' figures, so it changes nothing.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from market.monitor.activity import set_day
from market.monitor.registry_lookup import stalls_paid_by

REQUIRED = ("account_number", "date", "count", "amount")
CHUNK = 1000


@dataclass
class ReportCheck:
    """The outcome of a dry run: rows ready to import and errors by row number."""

    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


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


def check_report(content: bytes | str) -> ReportCheck:
    """Read and check every row (a dry run: nothing is written)."""
    check = ReportCheck()
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError:
        check.errors.append((1, _("Tệp không phải CSV dạng văn bản UTF-8.")))
        return check
    # newline="" lets the csv module handle line breaks inside quoted fields itself.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        check.errors.append((1, _("Thiếu cột: %(columns)s.", columns=", ".join(missing))))
        return check
    reader.fieldnames = header
    seen: dict[tuple[int, date], int] = {}
    try:
        for line, raw in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in raw.items() if k}
            error, parsed = _check_row(row)
            if error:
                check.errors.append((line, error))
                continue
            key = (parsed["stall_id"], parsed["day"])
            if key in seen:
                check.errors.append(
                    (line, _("Trùng gian hàng và ngày với dòng %(line)d.", line=seen[key]))
                )
                continue
            seen[key] = line
            check.rows.append(parsed)
    except csv.Error as error:  # e.g. a field longer than the csv module accepts
        check.errors.append((reader.line_num, _("Tệp CSV hỏng: %(reason)s.", reason=str(error))))
    return check


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
    stalls = stalls_paid_by(number, row.get("bank_bin") or None)
    if len(stalls) != 1:
        return _("Tài khoản %(number)s không thuộc đúng một gian hàng đang thuê.", number=number), {}
    return None, {"stall_id": stalls[0], "day": day, "payments": payments, "amount": amount}


def import_report(content: bytes | str) -> ReportCheck:
    """Check, then write every row, or nothing when any row is wrong. Flushes only."""
    check = check_report(content)
    if check.ok:
        for start in range(0, len(check.rows), CHUNK):
            set_day(check.rows[start:start + CHUNK])
    return check
