"""A bank partner's daily QR-payment report (CSV): checked row by row, imported all or nothing.

Columns (header row, any order): ``account_number``, ``date`` (dd/mm/yyyy or yyyy-mm-dd),
``count``, ``amount``; optional ``bank_bin``. Importing the same report again replaces the
same days' figures, so it changes nothing.

Each row goes to the stall whose payee the account was on the row's day
(``registry_lookup.match_payments``); rows of several accounts of one stall on one day (the day
its account changed) add up. A row that matches no stall is kept aside with its reason
(``UnmatchedReportRow``) and never stops the other rows; a row that cannot be read does.

The file is read as a stream, ``CHUNK`` rows at a time: each chunk's accounts are looked up
together and, when importing, its rows written at once. The keys of the rows read so far (to
find an account and day, or a stall and day, given twice) are kept in a temporary file rather
than in memory, so the memory an import needs is that of a chunk whatever the size of the
report. The caller commits only when every row was right, and rolls back otherwise.
"""
from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, insert, select

from market.extensions import db
from market.models import UnmatchedReportRow
from market.models.evidence import ActivitySource
from market.monitor.activity import add_payments, set_day
from market.monitor.registry_lookup import match_payments

REQUIRED = ("account_number", "date", "count", "amount")
CHUNK = 2000
SHOWN = 1000  # errors and unmatched rows listed; the counts cover them all


@dataclass
class ReportCheck:
    """The outcome: how many rows went to a stall (written, when importing), the rows that
    matched none (the first ``SHOWN``) and the errors by row number (the first ``SHOWN``)."""

    count: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0
    unmatched: list[dict] = field(default_factory=list)
    unmatched_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    def refuse(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < SHOWN:
            self.errors.append((line, message))

    def set_aside(self, row: dict) -> None:
        self.unmatched_count += 1
        if len(self.unmatched) < SHOWN:
            self.unmatched.append(row)


class _Seen:
    """Keys of the rows read so far: an account and day given twice is an error; a stall and
    day reached again (through another account) adds up.

    They live in a private SQLite file (removed when closed) whose page cache is bounded,
    not in Python sets, which would grow by some 150 bytes a row (150 MB for a million)."""

    def __init__(self) -> None:
        self._keys = sqlite3.connect("")  # "": a temporary file, spilled to from a small cache
        self._keys.executescript("""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA cache_size = -4096;
            CREATE TABLE account_day (bank_bin TEXT, account_number TEXT, day INTEGER,
                                      line INTEGER, PRIMARY KEY (bank_bin, account_number, day))
                WITHOUT ROWID;
            CREATE TABLE stall_day (stall_id INTEGER, day INTEGER, PRIMARY KEY (stall_id, day))
                WITHOUT ROWID;
        """)

    def earlier_line(self, bank_bin: str, account_number: str, day: date, line: int) -> int | None:
        """The line that gave this account and day before, or None (and it is noted)."""
        key = (bank_bin, account_number, day.toordinal())
        if self._keys.execute("INSERT OR IGNORE INTO account_day VALUES (?, ?, ?, ?)",
                              (*key, line)).rowcount:
            return None
        return self._keys.execute("SELECT line FROM account_day WHERE bank_bin = ? AND "
                                  "account_number = ? AND day = ?", key).fetchone()[0]

    def first_time(self, stall_id: int, day: date) -> bool:
        """Whether this stall and day are reached for the first time (they are noted)."""
        return bool(self._keys.execute("INSERT OR IGNORE INTO stall_day VALUES (?, ?)",
                                       (stall_id, day.toordinal())).rowcount)

    def close(self) -> None:
        self._keys.close()


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
    """Read and check every row; with ``write``, also write each chunk of right rows (and the
    unmatched ones) as long as no row was wrong (flushes; the caller commits only when
    ``ok``). ``progress`` is told the number of rows read after each chunk."""
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
    seen = _Seen()
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
    finally:
        seen.close()
    return check


def _check_chunk(chunk: list[tuple[int, dict]], check: ReportCheck, seen: _Seen,
                 write: bool) -> None:
    parsed = []
    for line, row in chunk:
        error, values = _check_row(row)
        if error:
            check.refuse(line, error)
            continue
        earlier = seen.earlier_line(values["bank_bin"], values["account_number"], values["day"],
                                    line)
        if earlier is not None:
            check.refuse(line, _("Trùng tài khoản và ngày với dòng %(line)d.", line=earlier))
            continue
        parsed.append(values)
    matches = match_payments((v["bank_bin"] or None, v["account_number"], v["day"]) for v in parsed)
    days: dict[tuple[int, date], dict] = {}  # this chunk's stall-days, summed
    again: list[dict] = []  # stall-days written by an earlier chunk: added to them
    unmatched = []
    for values in parsed:
        match = matches[(values["bank_bin"] or None, values["account_number"], values["day"])]
        if match.stall_id is None:
            row = dict(values, reason=match.reason)
            check.set_aside(row)
            unmatched.append(row)
            continue
        check.count += 1
        figures = {"stall_id": match.stall_id, "day": values["day"],
                   "payments": values["payments"], "amount": values["amount"]}
        if (not seen.first_time(match.stall_id, values["day"])
                and (match.stall_id, values["day"]) not in days):
            again.append(figures)
            continue
        total = days.setdefault((match.stall_id, values["day"]), dict(figures, payments=0, amount=0))
        total["payments"] += values["payments"]
        total["amount"] += values["amount"]
    if write and check.ok:
        set_day(list(days.values()))
        for figures in again:
            add_payments(figures["stall_id"], figures["day"], ActivitySource.REPORT,
                         figures["payments"], figures["amount"])
        if unmatched:  # rows rather than objects: nothing of them stays in the session
            db.session.execute(insert(UnmatchedReportRow), unmatched)
        db.session.flush()


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


def import_report(content: bytes | str | IO[bytes],
                  progress: Callable[[int], None] | None = None) -> ReportCheck:
    """Check and write every row that goes to a stall, and keep aside those that match none;
    the caller commits when ``ok``, else rolls back (all or nothing). Flushes only."""
    return check_report(content, write=True, progress=progress)


def unmatched_report_rows(*conditions: ColumnElement[bool]) -> list[UnmatchedReportRow]:
    """Report rows set aside (those meeting ``conditions``), newest first (for the board's
    quarantine page)."""
    return list(db.session.scalars(
        select(UnmatchedReportRow).where(*conditions)
        .order_by(UnmatchedReportRow.received_at.desc()).limit(500)))
