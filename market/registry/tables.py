"""The stalls table's rows as plain text, prepared in Python: a page has fifty of them, and
each Jinja attribute lookup and macro call per cell costs more than the whole row does here."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user

from market.auth.access import mask_account
from market.models import StallStatus
from market.registry.queries import StallRow
from market.registry.routes.labels import stall_labels
from market.vietqr import all_banks


@dataclass(frozen=True, slots=True)
class StallLine:
    href: str
    code: str
    market: str
    status: str  # empty while operating
    place: str
    category: str
    vendor: str
    account: str
    bank: str
    step: str
    step_label: str


def stall_lines(rows: list[StallRow]) -> list[StallLine]:
    names = stall_labels()
    banks = {bank.bin: bank.short_name for bank in all_banks()}
    # Every stall page URL is this prefix followed by the stall id.
    prefix = url_for("registry.stall", stall_id=0).removesuffix("0")
    lines = []
    for row in rows:
        stall, vendor, account = row.stall, row.vendor, row.account
        place = " / ".join(
            str(part) for part in (stall.zone, stall.row, stall.number) if part not in ("", None)
        )
        lines.append(StallLine(
            href=f"{prefix}{stall.id}",
            code=stall.code,
            market=row.market.name,
            status="" if stall.status == StallStatus.OPERATING else names["status"][stall.status],
            place=place,
            category=names["category"][stall.category],
            vendor=vendor.display_name if vendor else "",
            account=mask_account(account.account_number, current_user) if account else "",
            bank=banks.get(account.bank_bin, account.bank_bin) if account else "",
            step=row.step.value if row.step else "",
            step_label=names["step"][row.step] if row.step else "",
        ))
    return lines
