"""The directory of NAPAS member banks and e-wallets, from ``data/banks.csv``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from .names import to_ascii

BANK_STATUSES = ("active", "renamed", "withdrawn")


@dataclass(frozen=True, slots=True)
class Bank:
    """One row of the directory; the BIN is the key (codes differ between lists)."""

    bin: str
    code: str
    short_name: str
    name: str
    vietqr: bool
    status: str
    note: str
    source: str = ""

    @property
    def receive_only(self) -> bool:
        """Its accounts receive VietQR (NAPAS 247) transfers, but its app cannot scan to pay.

        That is all a stall sign needs: the payer's bank app does the scanning.
        """
        return not self.vietqr

    def to_dict(self) -> dict[str, str | bool]:
        """The bank as plain data, for JSON answers."""
        return {
            "bin": self.bin,
            "code": self.code,
            "short_name": self.short_name,
            "name": self.name,
            "vietqr": self.vietqr,
            "receive_only": self.receive_only,
            "status": self.status,
            "note": self.note,
            "source": self.source,
        }


@cache
def _directory() -> dict[str, Bank]:
    text = files(__package__).joinpath("data", "banks.csv").read_text(encoding="utf-8")
    banks = {}
    for row in csv.DictReader(text.splitlines()):
        banks[row["bin"]] = Bank(
            bin=row["bin"],
            code=row["code"],
            short_name=row["short_name"],
            name=row["name"],
            vietqr=row["vietqr"] == "1",
            status=row["status"],
            note=row["note"],
            source=row["source"],
        )
    return banks


@cache
def _search_keys() -> tuple[tuple[Bank, str, str], ...]:
    keys = []
    for bank in _directory().values():
        key = _fold(f"{bank.bin} | {bank.code} | {bank.short_name} | {bank.name} | {bank.note}")
        keys.append((bank, key, key.replace(" ", "")))
    return tuple(keys)


def _fold(text: str) -> str:
    return " ".join(to_ascii(text).casefold().split())


def get_bank(bank_bin: str) -> Bank | None:
    """The bank with this BIN, or None."""
    return _directory().get(bank_bin)


def all_banks() -> tuple[Bank, ...]:
    """Every bank of the directory, in file order."""
    return tuple(_directory().values())


def search_banks(text: str) -> list[Bank]:
    """Banks whose BIN, code, short name, name or note contain ``text``.

    Case, diacritics and spaces do not matter (``"vietin"``, ``"Công Thương"``,
    ``"970415"`` all find VietinBank; ``"oceanbank"`` finds MBV through its note).
    Exact matches on BIN, code or short name come first. A blank query returns every bank.
    """
    query = _fold(text)
    if not query:
        return list(all_banks())
    compact = query.replace(" ", "")
    found = []
    for bank, key, compact_key in _search_keys():
        if query in key or compact in compact_key:
            exact = compact in {
                _fold(bank.bin),
                _fold(bank.code),
                _fold(bank.short_name).replace(" ", ""),
            }
            found.append((not exact, bank.short_name.casefold(), bank))
    found.sort(key=lambda item: item[:2])
    return [bank for _, _, bank in found]
