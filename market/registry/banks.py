"""The bank directory in the database: loaded from the codec's data file, updated from public lists.

The shipped file (``market/vietqr/data/banks.csv``) fills the table. An administrator can
then apply a newer public list (the JSON or CSV shape of the VietQR.io and vietnam-qr-pay
lists) after a preview of what it adds, renames and withdraws. Rows changed that way keep
their values: a later load of the shipped file no longer overwrites them. Banks are never
deleted: accounts keep pointing at a BIN even after its bank is withdrawn.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from market.extensions import db
from market.models import Bank
from market.vietqr.banks import all_banks
from market.vietqr.names import to_ascii

FIELDS = ("code", "short_name", "name", "vietqr", "status", "note", "source")
WITHDRAWN = "withdrawn"
FILE_SOURCE = "file "  # how a row applied from an administrator's file names its source

# Column names of the public lists, mapped to ours (first match wins).
_KEYS = {
    "bin": ("bin",),
    "code": ("code",),
    "short_name": ("shortName", "short_name", "shortname"),
    "name": ("name",),
    "vietqr": ("transferSupported", "vietQRStatus", "isTransfer", "vietqr"),
}


class DirectoryFileError(ValueError):
    """A directory file that cannot be read; the message names the row at fault."""


@dataclass(frozen=True)
class ListedBank:
    """One bank as a public list gives it."""

    bin: str
    code: str
    short_name: str
    name: str
    vietqr: bool


@dataclass
class DirectoryChanges:
    """What applying a list would change, BIN by BIN."""

    added: list[ListedBank] = field(default_factory=list)
    renamed: list[tuple[Bank, ListedBank]] = field(default_factory=list)
    withdrawn: list[Bank] = field(default_factory=list)
    scanning: list[tuple[Bank, ListedBank]] = field(default_factory=list)  # vietqr flag changed
    restored: list[tuple[Bank, ListedBank]] = field(default_factory=list)  # withdrawn, listed again

    @property
    def empty(self) -> bool:
        return not (self.added or self.renamed or self.withdrawn or self.scanning or self.restored)


def sync_bank_directory() -> tuple[int, int]:
    """Insert banks missing from the table and update changed ones; returns (added, updated).

    Rows an administrator changed from a file are left as they are.
    """
    existing = {bank.bin: bank for bank in db.session.scalars(select(Bank))}
    added = updated = 0
    for entry in all_banks():
        row = existing.get(entry.bin)
        values = {name: getattr(entry, name) for name in FIELDS}
        if row is None:
            db.session.add(Bank(bin=entry.bin, **values))
            added += 1
        elif row.source.startswith(FILE_SOURCE):
            continue
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            updated += 1
    db.session.flush()
    return added, updated


def read_directory_file(data: bytes, filename: str) -> list[ListedBank]:
    """The banks of a public list file: JSON (a list, or an API answer with ``data``) or CSV.

    Entries without a BIN are skipped (a bank without one can be neither encoded nor
    decoded); any other unreadable entry refuses the whole file, naming its row.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DirectoryFileError("the file is not UTF-8 text") from None
    if filename.lower().endswith(".csv"):
        entries = list(csv.DictReader(io.StringIO(text)))
    else:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            raise DirectoryFileError(f"not JSON: {error}") from None
        entries = parsed.get("data") if isinstance(parsed, dict) else parsed
        if not isinstance(entries, list):
            raise DirectoryFileError("expected a list of banks (or an object with 'data')")
    banks: dict[str, ListedBank] = {}
    for number, entry in enumerate(entries, start=1):
        listed = _listed_bank(entry, number)
        if listed is None:
            continue
        if listed.bin in banks:
            raise DirectoryFileError(f"row {number}: BIN {listed.bin} is listed twice")
        banks[listed.bin] = listed
    if not banks:
        raise DirectoryFileError("no bank with a BIN in the file")
    return list(banks.values())


def _listed_bank(entry: object, number: int) -> ListedBank | None:
    if not isinstance(entry, dict):
        raise DirectoryFileError(f"row {number}: not an object with named fields")
    values = {ours: _first(entry, theirs) for ours, theirs in _KEYS.items()}
    bank_bin = values["bin"]
    if not bank_bin:
        return None
    if not (len(bank_bin) == 6 and bank_bin.isascii() and bank_bin.isdigit()):
        raise DirectoryFileError(f"row {number}: BIN {bank_bin!r} is not 6 digits")
    if not values["name"]:
        raise DirectoryFileError(f"row {number}: BIN {bank_bin} has no name")
    short_name = values["short_name"] or values["code"] or bank_bin
    return ListedBank(
        bin=bank_bin,
        code=(values["code"] or short_name)[:20],
        short_name=short_name[:60],
        name=values["name"][:200],
        vietqr=values["vietqr"].casefold() in {"1", "true"},
    )


def _first(entry: dict, keys: tuple[str, ...]) -> str:
    for key in keys:
        value = entry.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def _same_name(ours: str, theirs: str) -> bool:
    """Names equal but for capitals, spaces and diacritics ("Ngoại Thương"/"Ngoại thương")."""
    return _fold(ours) == _fold(theirs)


def _fold(text: str) -> str:
    return "".join(to_ascii(text).casefold().split())


def preview_directory_update(listed: list[ListedBank], *, withdraw_missing: bool = True
                             ) -> DirectoryChanges:
    """What applying ``listed`` would change; changes nothing."""
    existing = {bank.bin: bank for bank in db.session.scalars(select(Bank).order_by(Bank.bin))}
    changes = DirectoryChanges()
    for entry in sorted(listed, key=lambda item: item.bin):
        row = existing.get(entry.bin)
        if row is None:
            changes.added.append(entry)
        elif row.status == WITHDRAWN:
            changes.restored.append((row, entry))
        else:
            if not (_same_name(row.name, entry.name) and _same_name(row.short_name, entry.short_name)):
                changes.renamed.append((row, entry))
            if row.vietqr != entry.vietqr:
                changes.scanning.append((row, entry))
    if withdraw_missing:
        listed_bins = {entry.bin for entry in listed}
        changes.withdrawn = [
            row for bin_, row in existing.items() if bin_ not in listed_bins and row.status != WITHDRAWN
        ]
    return changes


def apply_directory_update(listed: list[ListedBank], filename: str, applied_by: str, today: date,
                           *, withdraw_missing: bool = True) -> DirectoryChanges:
    """Apply a public list to the table (flushes; the caller commits); returns the changes."""
    changes = preview_directory_update(listed, withdraw_missing=withdraw_missing)
    source = f"{FILE_SOURCE}{filename}, {applied_by}, {today:%d/%m/%Y}"[:255]
    for entry in changes.added:
        db.session.add(Bank(bin=entry.bin, code=entry.code, short_name=entry.short_name,
                            name=entry.name, vietqr=entry.vietqr, status="active", note="",
                            source=source))
    for row, entry in changes.renamed:
        former = f"formerly {row.name}" if not _same_name(row.name, entry.name) else ""
        row.note = "; ".join(part for part in (former, row.note) if part)[:255]
        row.name, row.short_name, row.status = entry.name, entry.short_name, "renamed"
    for row, entry in changes.scanning:
        row.vietqr = entry.vietqr
    for row, entry in changes.restored:
        row.name, row.short_name, row.vietqr, row.status = (
            entry.name, entry.short_name, entry.vietqr, "active")
    for row in changes.withdrawn:
        row.status = WITHDRAWN
    touched = ([row for row, _ in changes.renamed] + [row for row, _ in changes.scanning]
               + [row for row, _ in changes.restored] + changes.withdrawn)
    for row in touched:
        row.source = source
    db.session.flush()
    return changes



def usable_banks() -> list[Bank]:
    """The banks an account may be registered at (all but the withdrawn), by short name."""
    banks = db.session.scalars(select(Bank).where(Bank.status != WITHDRAWN))
    return sorted(banks, key=lambda bank: bank.short_name.casefold())
