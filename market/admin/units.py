"""The official administrative units (the 2025 two-level structure) and mergers of older units.

Provinces and communes come from the ``vietnam-provinces`` package (the statistics office's
codes: two digits for a province, five for a commune or ward). Loading creates or updates
units by code in a few set-based statements; it deletes nothing. An older unit (a district,
or a commune abolished by a merger) can be marked as merged into its successor: its markets,
the users who follow it and its figures then count under today's commune.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import exists, insert, select, update
from sqlalchemy.orm import aliased
from wtforms import SelectChoice

from market.extensions import db
from market.models import AdminUnit, AdoptionSnapshot, Market, UnitLevel, User
from market.monitor.snapshots import write_commune_snapshots


@dataclass(frozen=True)
class OfficialUnit:
    code: str
    name: str
    level: UnitLevel
    parent_code: str | None


@dataclass
class LoadResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    # Units the official list does not hold: kept, and deactivated unless markets or users
    # still follow them (those wait for an administrator to merge them into their successor).
    retired: int = 0
    kept_in_use: list[AdminUnit] = field(default_factory=list)


def official_units() -> list[OfficialUnit]:
    """Every province, then every commune and ward, as the package gives them."""
    from vietnam_provinces import Province, Ward

    provinces = [OfficialUnit(f"{int(p.code):02d}", p.name, UnitLevel.PROVINCE, None)
                 for p in Province.iter_all()]
    communes = [OfficialUnit(f"{int(w.code):05d}", w.name, UnitLevel.COMMUNE,
                             f"{int(w.province_code):02d}") for w in Ward.iter_all()]
    return provinces + communes


def load_units(units: Iterable[OfficialUnit] | None = None) -> LoadResult:
    """Create or update the official units by code (flushes; the caller commits)."""
    units = list(official_units() if units is None else units)
    result = LoadResult()
    for level in (UnitLevel.PROVINCE, UnitLevel.COMMUNE):
        _load_level([unit for unit in units if unit.level == level], result)
    _retire_unofficial({unit.code for unit in units}, result)
    db.session.flush()
    db.session.expire_all()  # the bulk statements bypassed the objects already loaded
    return result


def _load_level(units: list[OfficialUnit], result: LoadResult) -> None:
    rows = db.session.execute(
        select(AdminUnit.id, AdminUnit.code, AdminUnit.name, AdminUnit.level,
               AdminUnit.parent_id, AdminUnit.active)
    ).all()
    existing = {row.code: row for row in rows}
    ids = {row.code: row.id for row in rows}
    new, changed = [], []
    for unit in units:
        parent_id = ids.get(unit.parent_code) if unit.parent_code else None
        wanted = {"name": unit.name, "level": unit.level, "parent_id": parent_id, "active": True}
        row = existing.get(unit.code)
        if row is None:
            new.append({"code": unit.code, **wanted})
        elif (row.name, row.level, row.parent_id, row.active) != tuple(wanted.values()):
            changed.append({"id": row.id, **wanted, "merged_into_id": None})
        else:
            result.unchanged += 1
    if new:
        db.session.execute(insert(AdminUnit), new)
    if changed:
        db.session.execute(update(AdminUnit), changed)
    result.added += len(new)
    result.updated += len(changed)


def _retire_unofficial(official: set[str], result: LoadResult) -> None:
    in_use = (exists().where(Market.commune_id == AdminUnit.id)
              | exists().where(User.admin_unit_id == AdminUnit.id))
    others = db.session.execute(
        select(AdminUnit, in_use).where(AdminUnit.active, AdminUnit.code.not_in(official))
    ).all()
    for unit, used in others:
        if used:
            result.kept_in_use.append(unit)
        else:
            unit.active = False
            result.retired += 1


_KINDS = ("Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Đặc khu ", "Thị trấn ", "Huyện ", "Quận ")


def unit_options(level: UnitLevel | None = UnitLevel.COMMUNE, *, blank: object = None
                 ) -> list[SelectChoice]:
    """Active units as options for the searchable unit picker, province named beside each.

    Each option carries its code and its name without "Xã"/"Phường" for the picker to rank
    exact matches first; 3,321 communes make one query.
    """
    parent = aliased(AdminUnit)
    query = (select(AdminUnit, parent.name).outerjoin(parent, parent.id == AdminUnit.parent_id)
             .where(AdminUnit.active).order_by(AdminUnit.name, parent.name))
    if level is not None:
        query = query.where(AdminUnit.level == level)
    choices = [] if blank is None else [SelectChoice(0, blank)]
    for unit, province in db.session.execute(query):
        label = f"{unit.name} — {province} ({unit.code})" if province else f"{unit.name} ({unit.code})"
        short = next((unit.name[len(kind):] for kind in _KINDS if unit.name.startswith(kind)),
                     unit.name)
        choices.append(SelectChoice(unit.id, label,
                                    render_kw={"data-code": unit.code, "data-short-name": short}))
    return choices


class MergeError(ValueError):
    """A merger that cannot be made; the message says why."""


def merge_unit(old: AdminUnit, successor: AdminUnit) -> int:
    """Mark ``old`` as merged into ``successor``; returns how many markets moved there.

    The markets and the users that followed ``old`` follow ``successor`` from now on, and the
    successor's daily figures are recomputed for every day the moved markets have figures,
    so the history rolls up. ``old`` stays, inactive, for the records that name it.
    """
    if old.id == successor.id:
        raise MergeError("a unit cannot be merged into itself")
    if successor.level != UnitLevel.COMMUNE or not successor.active:
        raise MergeError(f"{successor.code} is not an active commune or ward")
    if successor.merged_into_id is not None:
        raise MergeError(f"{successor.code} was itself merged into another unit")
    moved = list(db.session.scalars(select(Market.id).where(Market.commune_id == old.id)))
    db.session.execute(update(Market).where(Market.id.in_(moved)).values(commune_id=successor.id))
    db.session.execute(update(User).where(User.admin_unit_id == old.id)
                       .values(admin_unit_id=successor.id))
    db.session.execute(update(AdminUnit).where(AdminUnit.merged_into_id == old.id)
                       .values(merged_into_id=successor.id))
    old.merged_into_id, old.active = successor.id, False
    db.session.flush()
    db.session.expire_all()  # markets and users already loaded still name the old unit
    days = db.session.scalars(
        select(AdoptionSnapshot.day).where(AdoptionSnapshot.market_id.in_(moved)).distinct()
    )
    for day in sorted(days):
        write_commune_snapshots(day, None, moved)
    db.session.flush()
    return len(moved)
