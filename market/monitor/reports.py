"""A bank partner's daily QR-payment report (CSV): checked row by row, imported all or nothing.

Columns (header row, any order): ``account_number``, ``date`` (dd/mm/yyyy or yyyy-mm-dd),
``count``, ``amount``; optional ``bank_bin``. Importing the same report again replaces the
same days' figures, so it changes nothing.

Each row goes to the stall whose payee the account was on the row's day
(``registry_lookup.match_payment``); rows of several accounts of one stall on one day (the day
its account changed) add up. A row that matches no stall is kept aside with its reason
(``UnmatchedReportRow``) and never stops the other rows; a row that cannot be read does.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from market.extensions import db
from market.models import UnmatchedReportRow
from market.monitor.activity import set_day
from market.monitor.registry_lookup import match_payments

REQUIRED = ("account_number", "date", "count", "amount")
CHUNK = 1000


@dataclass
class ReportCheck:
    """The outcome of a dry run: rows ready to import and errors by row number."""

    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)

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
    read: list[dict] = []
    seen: dict[tuple[str, str, date], int] = {}
    try:
        for line, raw in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in raw.items() if k}
            error, parsed = _check_row(row)
            if error:
                check.errors.append((line, error))
                continue
            key = (parsed["bank_bin"], parsed["account_number"], parsed["day"])
            if key in seen:
                check.errors.append(
                    (line, _("Trùng tài khoản và ngày với dòng %(line)d.", line=seen[key]))
                )
                continue
            seen[key] = line
            read.append(parsed)
    except csv.Error as error:  # e.g. a field longer than the csv module accepts
        check.errors.append((reader.line_num, _("Tệp CSV hỏng: %(reason)s.", reason=str(error))))
    if not check.errors:
        _match(read, check)
    return check


def _match(read: list[dict], check: ReportCheck) -> None:
    """Each row to its stall of the day; rows matching none set aside with the reason."""
    matches = match_payments((row["bank_bin"] or None, row["account_number"], row["day"])
                             for row in read)
    by_stall_day: dict[tuple[int, date], dict] = {}
    for row in read:
        match = matches[(row["bank_bin"] or None, row["account_number"], row["day"])]
        if match.stall_id is None:
            check.unmatched.append(dict(row, reason=match.reason))
            continue
        total = by_stall_day.setdefault(
            (match.stall_id, row["day"]),
            {"stall_id": match.stall_id, "day": row["day"], "payments": 0, "amount": 0})
        total["payments"] += row["payments"]
        total["amount"] += row["amount"]
    check.rows = list(by_stall_day.values())


def _check_row(row: dict) -> tuple[str | None, dict]:
    number = row.get("account_number", "")
    if not number.isdigit() or len(number) > 19:
        return _("Số tài khoản %(number)r không hợp lệ.", number=number), {}
    try:
        day = _day(row.get("date", ""))
    except ValueError:
        return _("Ngày %(day)r không hợp lệ (dd/mm/yyyy).", day=row.get("date", "")), {}
    try:
        payments, amount = _whole(row.get("count", "")), _whole(row.get("amount", ""))
    except ValueError:
        return _("Số giao dịch hoặc số tiền không hợp lệ."), {}
    return None, {"bank_bin": (row.get("bank_bin") or "")[:6], "account_number": number,
                  "day": day, "payments": payments, "amount": amount}


def import_report(content: bytes | str) -> ReportCheck:
    """Check, then write every row, or nothing when any row cannot be read; rows that match
    no stall are kept aside. Flushes only."""
    check = check_report(content)
    if check.ok:
        for start in range(0, len(check.rows), CHUNK):
            set_day(check.rows[start:start + CHUNK])
        db.session.add_all(UnmatchedReportRow(**row) for row in check.unmatched)
        db.session.flush()
    return check


def unmatched_report_rows() -> list[UnmatchedReportRow]:
    """Report rows set aside, newest first (for the board's quarantine page)."""
    return list(db.session.scalars(
        select(UnmatchedReportRow).order_by(UnmatchedReportRow.received_at.desc()).limit(500)))
