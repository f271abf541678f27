"""The adoption ladder: the ONE place that decides each operating stall's step on a day.

Everything that shows a step or a count (snapshots, the stall badge, worklists) builds on
``stall_steps()``: one set-based SELECT over the whole stall table, no per-stall Python.

Parameters per market (``market_parameters``): the market's ``adoption_target`` row, else its
commune's, else the configuration (``ADOPTION_INSPECTION_WINDOW_DAYS`` = 90,
``ADOPTION_ACTIVITY_WINDOW_DAYS`` = 30, ``ADOPTION_MIN_PAYMENTS`` = 1). A window of W days
ending on day D is the local days D-W+1 … D (days in Asia/Ho_Chi_Minh); nothing after D counts.

Facts about a stall on day D:

* its **account**: the vendor of the tenancy covering D (``start_on <= D`` and ``end_on`` empty
  or after D; today that is the open tenancy) and that vendor's account version in force at
  the end of D (created before, not retired by then; today that is the current version), whose
  BIN is in the bank directory;
* **signed**: a ``sign`` issued by the end of D for that stall and that account version, or an
  inspection up to D that found the vendor's own bank QR on display matching that version;
* **seen matching**: an inspection in the inspection window saw a QR on display and the
  scanned code matched that account version;
* **paying**: at least N QR payments (all sources summed) in the activity window;
* **said using**: the latest inspection with an answer, if in the inspection window, says
  "daily" or "sometimes";
* **said no**: the latest answer from inspections and self-reports together (latest day, then
  latest time) is "no" with a reason;
* **used before**: a day with payments before the activity window, or a "daily"/"sometimes"
  answer (inspection or self-report) before the inspection window.

The step, first rule that holds wins:

1. ``active``      paying (payments outrank words);
2. ``declined``    said no (nothing newer says otherwise);
3. ``active``      said using;
4. ``lapsed``      used before;
5. ``displayed``   account and seen matching;
6. ``issued``      account and signed;
7. ``registered``  account;
8. ``no_account``.

Only operating stalls are counted. The "reached" figures the targets compare with are:
registered = has an account; displayed = step displayed or active; active = step active.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import (
    Date,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from market.extensions import db
from market.models import (
    AdoptionStep,
    AdoptionTarget,
    Bank,
    BankAccount,
    Inspection,
    Market,
    PaymentActivity,
    SelfReport,
    Sign,
    Stall,
    StallStatus,
    Tenancy,
)
from market.models.evidence import QrUse, ScanResult
from market.monitor.clock import day_end

USING = (QrUse.DAILY.value, QrUse.SOMETIMES.value)


class days_before(FunctionElement):
    """``day`` minus ``n`` days, as a date, on PostgreSQL and SQLite alike."""

    type = Date()
    inherit_cache = True


@compiles(days_before, "postgresql")
def _days_before_pg(element, compiler, **kw):
    day, n = list(element.clauses)
    return f"(CAST({compiler.process(day, **kw)} AS DATE) - CAST({compiler.process(n, **kw)} AS INTEGER))"


@compiles(days_before)
def _days_before_sqlite(element, compiler, **kw):
    day, n = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, '-' || ({compiler.process(n, **kw)}) || ' days')"


@dataclass(frozen=True)
class Defaults:
    inspection_window_days: int
    activity_window_days: int
    min_payments: int

    @classmethod
    def from_config(cls) -> Defaults:
        config = current_app.config
        return cls(
            int(config["ADOPTION_INSPECTION_WINDOW_DAYS"]),
            int(config["ADOPTION_ACTIVITY_WINDOW_DAYS"]),
            int(config["ADOPTION_MIN_PAYMENTS"]),
        )


def market_parameters(as_of: date, defaults: Defaults, markets: Iterable[int] | None = None):
    """Per market: its commune, window starts and minimum payments (a CTE)."""
    own = AdoptionTarget.__table__.alias("own_target")
    area = AdoptionTarget.__table__.alias("area_target")
    inspection_days = func.coalesce(
        own.c.inspection_window_days, area.c.inspection_window_days, defaults.inspection_window_days
    )
    activity_days = func.coalesce(
        own.c.activity_window_days, area.c.activity_window_days, defaults.activity_window_days
    )
    query = (
        select(
            Market.id.label("market_id"),
            Market.commune_id.label("commune_id"),
            days_before(literal(as_of, Date), inspection_days - 1).label("inspection_since"),
            days_before(literal(as_of, Date), activity_days - 1).label("activity_since"),
            func.coalesce(own.c.min_payments, area.c.min_payments, defaults.min_payments).label(
                "min_payments"
            ),
        )
        .outerjoin(own, own.c.market_id == Market.id)
        .outerjoin(area, area.c.commune_id == Market.commune_id)
        .where(Market.retired_at.is_(None))
    )
    if markets is not None:
        query = query.where(Market.id.in_(list(markets)))
    return query.cte("params")


def _statements(as_of: date, scope):
    """Answers to "do you use QR?", from inspections and self-reports, ranked newest first."""
    answers = union_all(
        select(
            Inspection.stall_id.label("stall_id"),
            literal("inspection").label("kind"),
            Inspection.inspected_on.label("day"),
            Inspection.inspected_at.label("at"),
            Inspection.qr_use.label("answer"),
            Inspection.reason.label("reason"),
        ).where(Inspection.qr_use.is_not(None), Inspection.inspected_on <= as_of, scope(Inspection)),
        select(
            SelfReport.stall_id,
            literal("self"),
            SelfReport.reported_on,
            SelfReport.reported_at,
            SelfReport.answer,
            SelfReport.reason,
        ).where(SelfReport.reported_on <= as_of, scope(SelfReport)),
    ).subquery("answers")
    newest = (answers.c.day.desc(), answers.c.at.desc())
    ranked = select(
        answers,
        func.row_number().over(partition_by=answers.c.stall_id, order_by=newest).label("rank_all"),
        func.row_number()
        .over(partition_by=(answers.c.stall_id, answers.c.kind), order_by=newest)
        .label("rank_kind"),
    ).subquery("ranked_answers")
    latest = ranked.c.rank_all == 1
    latest_inspection = and_(ranked.c.kind == "inspection", ranked.c.rank_kind == 1)
    return (
        select(
            ranked.c.stall_id,
            func.max(case((latest, ranked.c.answer))).label("latest_answer"),
            func.max(case((latest, ranked.c.reason))).label("latest_reason"),
            func.max(case((latest_inspection, ranked.c.answer))).label("inspection_answer"),
            func.max(case((latest_inspection, ranked.c.day))).label("inspection_on"),
            func.min(case((ranked.c.answer.in_(USING), ranked.c.day))).label("first_use_on"),
        )
        .group_by(ranked.c.stall_id)
        .subquery("statements")
    )


def _matches(as_of: date, scope):
    """Per stall and account version: the last day a matching QR was seen on display, and
    whether the vendor's own bank QR was found matching."""
    return (
        select(
            Inspection.stall_id,
            Inspection.bank_account_id,
            func.max(case((Inspection.sign_displayed, Inspection.inspected_on))).label("seen_on"),
            func.max(case((Inspection.own_bank_qr, 1), else_=0)).label("own_qr"),
        )
        .where(
            Inspection.scan_result == ScanResult.MATCH,
            Inspection.inspected_on <= as_of,
            scope(Inspection),
        )
        .group_by(Inspection.stall_id, Inspection.bank_account_id)
        .subquery("matches")
    )


def _signs(as_of: date, scope):
    return (
        select(Sign.stall_id, Sign.bank_account_id)
        .where(Sign.issued_at < day_end(as_of), scope(Sign))
        .group_by(Sign.stall_id, Sign.bank_account_id)
        .subquery("signs")
    )


def _activity_windows_vary() -> bool:
    return bool(
        db.session.scalar(select(exists().where(AdoptionTarget.activity_window_days.is_not(None))))
    )


def _recent_payments(as_of: date, defaults: Defaults, params, scope):
    """Payments per stall inside its market's activity window.

    With one window everywhere (no target sets its own) this is a range scan of the
    (day, stall_id, payments) index; otherwise each row is joined to its market's window.
    """
    query = (
        select(PaymentActivity.stall_id, func.sum(PaymentActivity.payments).label("payments"))
        .where(PaymentActivity.day <= as_of, scope(PaymentActivity))
        .group_by(PaymentActivity.stall_id)
    )
    if not _activity_windows_vary():
        since = as_of - timedelta(days=defaults.activity_window_days - 1)
        return query.where(PaymentActivity.day >= since).subquery("recent_payments")
    return (
        query.join(Stall, Stall.id == PaymentActivity.stall_id)
        .join(params, params.c.market_id == Stall.market_id)
        .where(PaymentActivity.day >= params.c.activity_since)
        .subquery("recent_payments")
    )


def prepare_for_large_queries() -> None:
    """PostgreSQL's JIT spends seconds compiling this many expressions and wins less back;
    switched off for the current transaction only."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def _evidence_scope(markets: Iterable[int] | None, stalls: Iterable[int] | None):
    """A WHERE clause builder keeping an evidence table to the stalls asked about, so a
    refresh of a few markets does not aggregate the whole country's evidence."""
    if stalls is not None:
        wanted = list(stalls)
        return lambda model: model.stall_id.in_(wanted)
    if markets is not None:
        in_markets = select(Stall.id).where(Stall.market_id.in_(list(markets)))
        return lambda model: model.stall_id.in_(in_markets)
    return lambda model: true()


def stall_steps(
    as_of: date,
    *,
    markets: Iterable[int] | None = None,
    stalls: Iterable[int] | None = None,
) -> Select:
    """Every operating stall (optionally only in ``markets`` / only ``stalls``) with its step
    on ``as_of``: columns stall_id, market_id, commune_id, step, has_account, reached_displayed."""
    defaults = Defaults.from_config()
    params = market_parameters(as_of, defaults, markets)
    scope = _evidence_scope(markets, stalls)
    statements = _statements(as_of, scope)
    matches = _matches(as_of, scope)
    signs = _signs(as_of, scope)
    payments = _recent_payments(as_of, defaults, params, scope)
    end = day_end(as_of)

    has_account = Bank.bin.is_not(None)
    paying = func.coalesce(payments.c.payments, 0) >= params.c.min_payments
    said_no = and_(statements.c.latest_answer == QrUse.NO.value, statements.c.latest_reason.is_not(None))
    said_using = and_(
        statements.c.inspection_answer.in_(USING),
        statements.c.inspection_on >= params.c.inspection_since,
    )
    paid_before = exists().where(
        PaymentActivity.stall_id == Stall.id,
        PaymentActivity.day < params.c.activity_since,
        PaymentActivity.payments > 0,
    )
    used_before = or_(statements.c.first_use_on < params.c.inspection_since, paid_before)
    seen_matching = and_(has_account, matches.c.seen_on >= params.c.inspection_since)
    signed = and_(has_account, or_(signs.c.stall_id.is_not(None), matches.c.own_qr == 1))
    step = case(
        (paying, AdoptionStep.ACTIVE.value),
        (said_no, AdoptionStep.DECLINED.value),
        (said_using, AdoptionStep.ACTIVE.value),
        (used_before, AdoptionStep.LAPSED.value),
        (seen_matching, AdoptionStep.DISPLAYED.value),
        (signed, AdoptionStep.ISSUED.value),
        (has_account, AdoptionStep.REGISTERED.value),
        else_=AdoptionStep.NO_ACCOUNT.value,
    )

    tenancy_on_day = and_(
        Tenancy.stall_id == Stall.id,
        Tenancy.start_on <= as_of,
        or_(Tenancy.end_on.is_(None), Tenancy.end_on > as_of),
    )
    account_on_day = and_(
        BankAccount.vendor_id == Tenancy.vendor_id,
        BankAccount.created_at < end,
        or_(BankAccount.retired_at.is_(None), BankAccount.retired_at >= end),
    )
    query = (
        select(
            Stall.id.label("stall_id"),
            Stall.market_id.label("market_id"),
            params.c.commune_id,
            step.label("step"),
            case((has_account, 1), else_=0).label("has_account"),
            case((seen_matching, 1), else_=0).label("seen_matching"),
        )
        .join(params, params.c.market_id == Stall.market_id)
        .outerjoin(Tenancy, tenancy_on_day)
        .outerjoin(BankAccount, account_on_day)
        .outerjoin(Bank, Bank.bin == BankAccount.bank_bin)
        .outerjoin(statements, statements.c.stall_id == Stall.id)
        .outerjoin(
            matches,
            and_(matches.c.stall_id == Stall.id, matches.c.bank_account_id == BankAccount.id),
        )
        .outerjoin(
            signs, and_(signs.c.stall_id == Stall.id, signs.c.bank_account_id == BankAccount.id)
        )
        .outerjoin(payments, payments.c.stall_id == Stall.id)
        .where(Stall.status == StallStatus.OPERATING)
    )
    if stalls is not None:
        query = query.where(Stall.id.in_(list(stalls)))
    return query


def steps_table(
    as_of: date,
    *,
    markets: Iterable[int] | None = None,
    stalls: Iterable[int] | None = None,
):
    """``stall_steps()`` as a materialised CTE, to aggregate over.

    Materialised so that the step is worked out once per stall: inlined, the database would
    repeat the whole CASE (and its correlated look-ups) inside every aggregate.
    """
    return stall_steps(as_of, markets=markets, stalls=stalls).cte("steps").prefix_with(
        "MATERIALIZED"
    )


def count_columns(steps) -> list[ColumnElement]:
    """The snapshot's figures as aggregates over ``steps_table()``."""

    def count_if(condition) -> ColumnElement:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    columns = [func.count().label("operating")]
    columns += [count_if(steps.c.step == s.value).label(s.value) for s in AdoptionStep]
    columns += [
        count_if(steps.c.has_account == 1).label("reached_registered"),
        count_if(
            or_(steps.c.step == AdoptionStep.ACTIVE.value, steps.c.step == AdoptionStep.DISPLAYED.value)
        ).label("reached_displayed"),
        count_if(steps.c.step == AdoptionStep.ACTIVE.value).label("reached_active"),
    ]
    return columns


def step_of(stall_id: int, as_of: date) -> AdoptionStep | None:
    """One stall's step (None when it is not operating): the badge on stall pages."""
    value = db.session.execute(
        select(stall_steps(as_of, stalls=[stall_id]).subquery().c.step)
    ).scalar_one_or_none()
    return None if value is None else AdoptionStep(value)

