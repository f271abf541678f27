"""Alerts: opened on a stall and its market when something needs the board, closed when it
is resolved (never deleted)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, func, insert, literal, select, update

from market.extensions import db
from market.models import Alert, Inspection, Market, Stall, StallStatus, utcnow
from market.models.adoption import AdoptionStep
from market.models.evidence import AlertKind, ScanResult
from market.monitor.ladder import (
    Defaults,
    market_parameters,
    prepare_for_large_queries,
    steps_table,
)
from market.texts import N_, StoredText, stored


def swapped_sign_detail(inspection: Inspection) -> StoredText:
    """Where the scanned code pays, in words the reader's language gives when shown."""
    return N_("Mã quét được trả vào tài khoản %(number)s (BIN %(bin)s), không phải tài khoản đã đăng ký.",
              number=inspection.scanned_account or "", bin=inspection.scanned_bin or "")


def open_swapped_sign_alert(inspection: Inspection, market_id: int) -> Alert:
    """The QR on the stall pays another account: customers' money goes to a stranger."""
    alert = Alert(
        kind=AlertKind.SWAPPED_SIGN,
        market_id=market_id,
        stall_id=inspection.stall_id,
        inspection_id=inspection.id,
        message=stored(swapped_sign_detail(inspection)),
    )
    db.session.add(alert)
    db.session.flush()
    return alert


def close_alert(alert: Alert, user_id: int | None) -> None:
    if alert.closed_at is None:
        alert.closed_at = utcnow()
        alert.closed_by_id = user_id
        db.session.flush()


def _open(kind: AlertKind):
    return and_(Alert.kind == kind, Alert.closed_at.is_(None))


def daily_alert_check(day: date) -> int:
    """Open the alerts the day calls for and close those resolved; returns alerts opened.

    * a market with operating stalls and no inspection in its inspection window;
    * a stall whose ladder step is ``lapsed``;
    * a swapped-sign alert closes itself once a later inspection of the stall matched.
    """
    opened = _check_uninspected_markets(day)
    opened += _check_lapsed_stalls(day)
    _close_resolved_swaps()
    db.session.flush()
    return opened


def _insert_counted(statement) -> int:
    """Run an INSERT … SELECT and count what it added (SQLite gives no row count for an
    INSERT that starts with WITH)."""
    before = db.session.scalar(select(func.count()).select_from(Alert))
    db.session.execute(statement)
    return db.session.scalar(select(func.count()).select_from(Alert)) - before


def _check_uninspected_markets(day: date) -> int:
    params = market_parameters(day, Defaults.from_config())
    inspected = exists().where(
        Inspection.stall_id == Stall.id,
        Stall.market_id == params.c.market_id,
        Inspection.inspected_on >= params.c.inspection_since,
        Inspection.inspected_on <= day,
    )
    operating = exists().where(
        Stall.market_id == params.c.market_id, Stall.status == StallStatus.OPERATING
    )
    uninspected = select(params.c.market_id).where(operating, ~inspected)
    db.session.execute(
        update(Alert)
        .where(_open(AlertKind.NO_INSPECTION), Alert.market_id.not_in(uninspected))
        .values(closed_at=utcnow())
    )
    already = exists().where(_open(AlertKind.NO_INSPECTION), Alert.market_id == params.c.market_id)
    rows = select(
        literal(AlertKind.NO_INSPECTION.value),
        params.c.market_id,
        literal(utcnow(), Alert.opened_at.type),
        literal(""),
    ).where(operating, ~inspected, ~already)
    return _insert_counted(insert(Alert).from_select(["kind", "market_id", "opened_at", "detail"], rows))


def _check_lapsed_stalls(day: date) -> int:
    prepare_for_large_queries()
    steps = steps_table(day)
    lapsed = select(steps.c.stall_id).where(steps.c.step == AdoptionStep.LAPSED.value)
    db.session.execute(
        update(Alert)
        .where(_open(AlertKind.LAPSED), Alert.stall_id.not_in(lapsed))
        .values(closed_at=utcnow())
    )
    already = exists().where(_open(AlertKind.LAPSED), Alert.stall_id == steps.c.stall_id)
    rows = select(
        literal(AlertKind.LAPSED.value),
        steps.c.market_id,
        steps.c.stall_id,
        literal(utcnow(), Alert.opened_at.type),
        literal(""),
    ).where(steps.c.step == AdoptionStep.LAPSED.value, ~already)
    return _insert_counted(
        insert(Alert).from_select(["kind", "market_id", "stall_id", "opened_at", "detail"], rows)
    )


def _close_resolved_swaps() -> None:
    alerted = Inspection.__table__.alias("alerted")
    matched_later = exists().where(
        Inspection.stall_id == Alert.stall_id,
        Inspection.scan_result == ScanResult.MATCH,
        alerted.c.id == Alert.inspection_id,
        Inspection.inspected_at > alerted.c.inspected_at,
    )
    db.session.execute(
        update(Alert)
        .where(_open(AlertKind.SWAPPED_SIGN), matched_later)
        .values(closed_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def open_alerts(markets) -> list[Alert]:
    """Open alerts in the given markets (a ``select(Market)`` for the user's scope), newest first."""
    scope = markets.with_only_columns(Market.id).subquery()
    return list(
        db.session.scalars(
            select(Alert)
            .where(Alert.closed_at.is_(None), Alert.market_id.in_(select(scope.c.id)))
            .order_by(Alert.opened_at.desc())
            .limit(500)
        )
    )


