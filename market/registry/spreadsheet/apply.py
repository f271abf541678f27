"""Committing an import: the plan carried out through the registry services, all or nothing.

Nothing here commits. ``apply_plan`` flushes through the services and raises
``ImportRefused`` on the first refusal; the caller (the import job or the command) commits
once on success and rolls everything back otherwise.
"""
from __future__ import annotations

from collections.abc import Callable

from market.models import AccountSource
from market.registry import services
from market.registry.errors import RegistryError
from market.registry.spreadsheet.columns import BY_KEY
from market.registry.spreadsheet.plan import PROGRESS_EVERY, ImportPlan, RowProblem

# Service field names → spreadsheet column keys, to name the column of a refusal.
FIELD_COLUMNS = {"code": "stall_code", "name": "vendor_name", "bank_bin": "bank",
                 "start_on": "vendor_name", "end_on": "vendor_name"}


class ImportRefused(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def apply_plan(plan: ImportPlan, on_progress: Callable[[int, int], None] | None = None) -> None:
    """Create and change what the plan says, row by row; the caller commits or rolls back."""
    if not plan.ok:
        raise ImportRefused(plan.problems)
    total = len(plan.rows)
    for done, row in enumerate(plan.rows, start=1):
        try:
            _apply_row(plan, row)
        except RegistryError as error:
            key = FIELD_COLUMNS.get(error.field, error.field)
            column = BY_KEY[key].header if key in BY_KEY else ""
            raise ImportRefused([RowProblem(row.row, column, str(error.message))]) from None
        if on_progress and done % PROGRESS_EVERY == 0:
            on_progress(done, total)


def _apply_row(plan: ImportPlan, row) -> None:
    stall = row.stall
    if stall is None:
        stall = services.create_stall(row.market, **row.stall_values)
    elif row.stall_values:
        services.update_stall(stall, **row.stall_values)
    vendor = row.vendor
    if row.new_vendor:
        vendor = services.create_vendor(**row.vendor_values)
        services.assign_tenant(stall, vendor, plan.today)
    elif vendor is not None and row.vendor_values:
        services.update_vendor(vendor, **row.vendor_values)
    if row.account is not None:
        services.register_account(vendor, **row.account, source=AccountSource.IMPORT)
