"""Committing an import: the plan carried out through the registry services, all or nothing.

Nothing here commits. ``apply_plan`` hands the rows to the services' batch forms a chunk at
a time (the same checks, normalisation and audit events as the pages, in a few statements
per chunk instead of a dozen per row) and raises ``ImportRefused`` naming the row of a
refusal; the caller (the import job or the command) commits once on success and rolls
everything back otherwise.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from market.models import AccountKind, AccountSource, Stall, Vendor
from market.registry import services
from market.registry.spreadsheet.columns import BY_KEY
from market.registry.spreadsheet.plan import (
    PROGRESS_EVERY,
    ImportPlan,
    RowPlan,
    RowProblem,
)

# Service field names → spreadsheet column keys, to name the column of a refusal.
FIELD_COLUMNS = {"code": "stall_code", "name": "vendor_name", "bank_bin": "bank",
                 "start_on": "vendor_name", "end_on": "vendor_name"}
CHUNK_ROWS = PROGRESS_EVERY
T = TypeVar("T")


class ImportRefused(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def apply_plan(plan: ImportPlan, on_progress: Callable[[int, int], None] | None = None) -> None:
    """Create and change what the plan says, a chunk of rows at a time; the caller commits or
    rolls back."""
    if not plan.ok:
        raise ImportRefused(plan.problems)
    total, done = len(plan.rows), 0
    for chunk in chunks(plan.rows):
        _apply_chunk(plan, chunk)
        done += len(chunk)
        if on_progress:
            on_progress(done, total)


def chunks(rows: list[RowPlan]) -> Iterator[list[RowPlan]]:
    """Runs of at most ``CHUNK_ROWS`` rows in which no vendor already registered is touched
    twice (kept with new details, or replaced as a stall's tenant): a chunk then ends in the
    same state as its rows carried out one by one, and a later row sees what an earlier one
    did."""
    chunk: list[RowPlan] = []
    touched: set[int] = set()
    for row in rows:
        vendors = {vendor.id for vendor in (row.vendor, row.replaced) if vendor is not None}
        if len(chunk) == CHUNK_ROWS or vendors & touched:
            yield chunk
            chunk, touched = [], set()
        chunk.append(row)
        touched |= vendors
    if chunk:
        yield chunk


def _apply_chunk(plan: ImportPlan, chunk: list[RowPlan]) -> None:
    stalls: dict[int, Stall] = {row.row: row.stall for row in chunk if row.stall is not None}
    new_stalls = [row for row in chunk if row.stall is None]
    created = _batch(services.create_stalls, new_stalls,
                     [(row.market, row.stall_values) for row in new_stalls])
    stalls.update((row.row, stall) for row, stall in zip(new_stalls, created))
    changed_stalls = [row for row in chunk if row.stall is not None and row.stall_values]
    _batch(services.update_stalls, changed_stalls,
           [(row.stall, row.stall_values) for row in changed_stalls])

    vendors: dict[int, Vendor] = {row.row: row.vendor for row in chunk if row.vendor is not None}
    new_tenants = [row for row in chunk if row.new_vendor]
    # The spreadsheet has no column for the consent date: a new vendor starts without one.
    created = _batch(services.create_vendors, new_tenants,
                     [{**row.vendor_values, "consent_on": None} for row in new_tenants])
    vendors.update((row.row, vendor) for row, vendor in zip(new_tenants, created))
    _batch(services.assign_tenants, new_tenants,
           [(stalls[row.row], vendors[row.row], plan.today) for row in new_tenants])
    changed_vendors = [row for row in chunk if row.vendor is not None and row.vendor_values]
    _batch(services.update_vendors, changed_vendors,
           [(row.vendor, row.vendor_values) for row in changed_vendors])

    accounts = [row for row in chunk if row.account is not None]
    _batch(services.register_accounts, accounts, [
        (vendors[row.row], {**row.account, "kind": AccountKind.ACCOUNT,
                            "source": AccountSource.IMPORT})
        for row in accounts])


def _batch(service: Callable[[list[Any]], list[T]], rows: Sequence[RowPlan],
           items: list[Any]) -> list[T]:
    """Run a batch service on the items of these rows; a refusal names the row and column."""
    if not items:
        return []
    try:
        return service(items)
    except services.ItemRefused as refused:
        key = FIELD_COLUMNS.get(refused.field, refused.field)
        column = BY_KEY[key].header if key in BY_KEY else ""
        raise ImportRefused([RowProblem(rows[refused.item].row, column, refused.message)]) from None
