"""Assigning stalls to team members and recording follow-up visits (flush, never commit)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update

from market.auth.access import market_scope
from market.extensions import db
from market.models import (
    Market,
    Role,
    Stall,
    User,
    Visit,
    VisitAssignment,
    VisitOutcome,
    utcnow,
)
from market.monitor.clock import local_day


def team_members(market: Market) -> list[User]:
    """Active team and board users who work at ``market``: who a stall can be assigned to."""
    return list(db.session.scalars(
        select(User).where(
            User.active, User.role.in_([Role.TEAM, Role.BOARD]), User.markets.any(Market.id == market.id)
        ).order_by(User.full_name)
    ))


def _close_open_assignments(stall_id: int, at: datetime) -> None:
    db.session.execute(
        update(VisitAssignment)
        .where(VisitAssignment.stall_id == stall_id, VisitAssignment.closed_at.is_(None))
        .values(closed_at=at)
    )


def assign_stall(stall: Stall, assignee: User, by: User, planned_on: date | None) -> VisitAssignment:
    """Hand ``stall`` to ``assignee`` (replacing an open assignment). The assignee must work at
    the stall's market."""
    if assignee not in team_members(stall.market):
        raise ValueError("the assignee does not work at this market")
    now = utcnow()
    _close_open_assignments(stall.id, now)
    assignment = VisitAssignment(stall_id=stall.id, assignee_id=assignee.id, assigned_by_id=by.id,
                                 planned_on=planned_on, assigned_at=now)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def record_visit(stall: Stall, visitor: User | None, *, client_uuid: str, outcome: VisitOutcome,
                 next_visit_on: date | None = None, note: str = "",
                 at: datetime | None = None) -> tuple[Visit, bool]:
    """Record a visit and close the stall's open assignment; returns (visit, created).

    The phone makes ``client_uuid``: a record sent again (after a lost answer, or from the
    offline queue) finds the stored visit and changes nothing. ``at`` is when the visit was made
    (the phone's observed time; now when not given), ``received_at`` when the server stored it.
    """
    stored = db.session.scalar(select(Visit).where(Visit.client_uuid == client_uuid))
    if stored is not None:
        return stored, False
    received = utcnow()
    at = at or received
    visit = Visit(client_uuid=client_uuid, stall_id=stall.id, visitor_id=visitor.id if visitor else None,
                  visited_at=at, visited_on=local_day(at), received_at=received, outcome=outcome,
                  next_visit_on=next_visit_on, note=note.strip())
    db.session.add(visit)
    _close_open_assignments(stall.id, at)
    db.session.flush()
    return visit, True


def route_sheet(assignee: User, day: date, reader: User) -> list[tuple[VisitAssignment, Stall]]:
    """The open assignments of ``assignee`` planned for ``day``, in markets ``reader`` may read,
    in walking order (market, zone, row, number)."""
    rows = db.session.execute(
        select(VisitAssignment, Stall)
        .join(Stall, Stall.id == VisitAssignment.stall_id)
        .join(Market, Market.id == Stall.market_id)
        .where(VisitAssignment.assignee_id == assignee.id, VisitAssignment.planned_on == day,
               VisitAssignment.closed_at.is_(None), market_scope(reader))
        .order_by(Market.name, Stall.zone, Stall.row, Stall.number, Stall.code)
    )
    return [(a, s) for a, s in rows]
