"""The bank directory in the database, kept in step with the codec's data file."""
from __future__ import annotations

from sqlalchemy import select

from market.extensions import db
from market.models import Bank
from market.vietqr.banks import all_banks

FIELDS = ("code", "short_name", "name", "vietqr", "status", "note")


def sync_bank_directory() -> tuple[int, int]:
    """Insert banks missing from the table and update changed ones; returns (added, updated).

    Banks are never deleted: accounts keep pointing at a BIN even after a bank is renamed.
    """
    existing = {bank.bin: bank for bank in db.session.scalars(select(Bank))}
    added = updated = 0
    for entry in all_banks():
        row = existing.get(entry.bin)
        values = {field: getattr(entry, field) for field in FIELDS}
        if row is None:
            db.session.add(Bank(bin=entry.bin, **values))
            added += 1
        elif any(getattr(row, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(row, field, value)
            updated += 1
    db.session.flush()
    return added, updated
