"""The adoption ladder: the ONE place that decides each operating stall's step on a day.

Everything that shows a step or a count (snapshots, the stall badge, worklists) builds on
``stall_steps()``: one set-based SELECT over the whole stall table, no per-stall Python.
``market.monitor.reference`` states the same rules in plain Python; the tests hold the two
equal on random histories.

Parameters per market (``market_parameters``): the market's ``adoption_target`` row, else its
commune's, else the configuration (``ADOPTION_INSPECTION_WINDOW_DAYS`` = 90,
``ADOPTION_ACTIVITY_WINDOW_DAYS`` = 30, ``ADOPTION_MIN_PAYMENTS`` = 1). A window of W days
ending on day D is the local days D-W+1 … D (days in Asia/Ho_Chi_Minh); nothing after D counts.

The registry **as it was on D** (its state at the end of D):

* a **market** counts from its ``opened_on`` until the day it is retired (not that day);
* a **stall** counts from its ``opened_on`` while its status on D is operating: the old status
  of its first status change after D, else its status now;
* its **tenant** is the vendor of the tenancy with ``start_on <= D <= end_on`` (``end_on`` is the
  vendor's last day; open when empty; the latest start wins an overlap);
* its **account** is the tenant's account version in force at the end of D (created before,
  not retired by then) whose BIN is in the bank directory; its **payee** is that version when
  it was confirmed by then (no second confirmation asked, or given before the end of D). A
  changed account awaiting confirmation is an account (the stall is *registered*) but not a
  payee: no sign, display or payment counts for it until it is confirmed.

Facts on day D:

* **signed**: a sign issued by the end of D for the stall and its payee version, or an
  inspection up to D that found the vendor's own bank QR matching that version;
* **seen displayed**: the stall's latest inspection up to D is in the inspection window, saw
  the QR on display and the scanned code matched the payee version (a later visit that found
  it missing or swapped ends it);
* **paying**: at least N QR payments in the activity window, each day counted once as the
  largest of its sources (a bank report and webhooks report the same payments);
* **latest answer**: the newest answer to "do you use QR?" from inspections and self-reports
  alike (by day, then time); it counts only inside the inspection window;
* **reached active before**: some answer up to D said "daily"/"sometimes", or a day before D
  had N payments within the activity window ending that day.

The step, first rule that holds wins:

1. ``active``      paying (payments outrank words);
2. ``declined``    latest answer "no" with a reason;
3. ``active``      latest answer "daily" or "sometimes";
4. ``lapsed``      reached active before;
5. ``displayed``   seen displayed;
6. ``issued``      signed;
7. ``registered``  has an account;
8. ``no_account``.

The "reached" figures the targets compare with: registered = has an account; displayed =
seen displayed (whatever the step: a stall active by payments but never seen is not counted);
active = step active.
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
    Payee,
    PaymentActivity,
    SelfReport,
    Sign,
    Stall,
    StallStatus,
    StallStatusChange,
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


def market_on_day(as_of, end=None) -> ColumnElement[bool]:
    """The market counts on ``as_of``: opened by then and not retired by its end (``end``,
    given when the day is a column: ``day_end()`` of it)."""
    return and_(
        Market.opened_on <= as_of,
        or_(Market.retired_at.is_(None), Market.retired_at >= (day_end(as_of) if end is None else end)),
    )


def market_parameters(as_of: date, defaults: Defaults, markets: Iterable[int] | None = None):
    """Per market counting on ``as_of``: its commune, window starts and minimum payments (a CTE)."""
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
            activity_days.label("activity_days"),
            func.coalesce(own.c.min_payments, area.c.min_payments, defaults.min_payments).label(
                "min_payments"
            ),
        )
        .outerjoin(own, own.c.market_id == Market.id)
        .outerjoin(area, area.c.commune_id == Market.commune_id)
        .where(market_on_day(as_of))
    )
    if markets is not None:
        query = query.where(Market.id.in_(list(markets)))
    return query.cte("params")


def _statements(as_of: date, scope):
    """Answers to "do you use QR?", from inspections and self-reports: the newest one and the
    first day any said "daily"/"sometimes"."""
    answers = union_all(
        select(
            Inspection.stall_id.label("stall_id"),
            literal(0).label("kind"),
            Inspection.id.label("id"),
            Inspection.inspected_on.label("day"),
            Inspection.inspected_at.label("at"),
            Inspection.qr_use.label("answer"),
            Inspection.reason.label("reason"),
        ).where(Inspection.qr_use.is_not(None), Inspection.inspected_on <= as_of, scope(Inspection)),
        select(
            SelfReport.stall_id,
            literal(1),
            SelfReport.id,
            SelfReport.reported_on,
            SelfReport.reported_at,
            SelfReport.answer,
            SelfReport.reason,
        ).where(SelfReport.reported_on <= as_of, scope(SelfReport)),
    ).subquery("answers")
    newest = (answers.c.day.desc(), answers.c.at.desc(), answers.c.kind.desc(), answers.c.id.desc())
    ranked = select(
        answers,
        func.row_number().over(partition_by=answers.c.stall_id, order_by=newest).label("rank"),
    ).subquery("ranked_answers")
    latest = ranked.c.rank == 1
    return scope.table(
        select(
            ranked.c.stall_id,
            func.max(case((latest, ranked.c.answer))).label("latest_answer"),
            func.max(case((latest, ranked.c.reason))).label("latest_reason"),
            func.max(case((latest, ranked.c.day))).label("latest_on"),
            func.min(case((ranked.c.answer.in_(USING), ranked.c.day))).label("first_use_on"),
        )
        .group_by(ranked.c.stall_id),
        "statements",
    )


def _latest_looks(as_of: date, scope):
    """Each stall's latest inspection up to ``as_of``: its day, the account version it was
    compared with and whether it saw a matching QR on display (1, else 0).

    One row per stall by GROUP BY (each aggregate sees the one latest row): SQLite indexes a
    grouped table it joins to, and would scan a filtered window's rows once per stall."""
    newest = (Inspection.inspected_on.desc(), Inspection.inspected_at.desc(), Inspection.id.desc())
    shown_match = case(
        (and_(Inspection.sign_displayed, Inspection.scan_result == ScanResult.MATCH), 1), else_=0
    )
    ranked = select(
        Inspection.stall_id,
        Inspection.inspected_on,
        shown_match.label("shown_match"),
        Inspection.bank_account_id,
        func.row_number().over(partition_by=Inspection.stall_id, order_by=newest).label("rank"),
    ).where(Inspection.inspected_on <= as_of, scope(Inspection)).subquery("ranked_looks")
    return scope.table(
        select(
            ranked.c.stall_id,
            func.max(ranked.c.inspected_on).label("inspected_on"),
            func.max(ranked.c.shown_match).label("shown_match"),
            func.max(ranked.c.bank_account_id).label("bank_account_id"),
        )
        .where(ranked.c.rank == 1)
        .group_by(ranked.c.stall_id),
        "latest_looks",
    )


def _own_qr_matches(as_of: date, scope):
    """Account versions whose vendor's own bank QR an inspection up to ``as_of`` found matching."""
    return scope.table(
        select(Inspection.stall_id, Inspection.bank_account_id)
        .where(
            Inspection.own_bank_qr,
            Inspection.scan_result == ScanResult.MATCH,
            Inspection.inspected_on <= as_of,
            scope(Inspection),
        )
        .group_by(Inspection.stall_id, Inspection.bank_account_id),
        "own_qr",
    )


def _signs(as_of: date, scope):
    return scope.table(
        select(Sign.stall_id, Sign.bank_account_id)
        .where(Sign.issued_at < day_end(as_of), scope(Sign))
        .group_by(Sign.stall_id, Sign.bank_account_id),
        "signs",
    )


def _target_set(column) -> bool:
    return bool(db.session.scalar(select(exists().where(column.is_not(None)))))


def daily_payments(scope, *conditions):
    """Payments per stall and day, each day counted once: the largest of its sources."""
    return (
        select(
            PaymentActivity.stall_id,
            PaymentActivity.day,
            func.max(PaymentActivity.payments).label("payments"),
        )
        .where(scope(PaymentActivity), *conditions)
        .group_by(PaymentActivity.stall_id, PaymentActivity.day)
    )


def _recent_payments(as_of: date, defaults: Defaults, params, scope):
    """Payments per stall inside its market's activity window.

    With one window everywhere (no target sets its own) this is a range scan of the
    (day, stall_id, payments) index; otherwise each day is joined to its market's window.
    """
    if not _target_set(AdoptionTarget.activity_window_days):
        since = as_of - timedelta(days=defaults.activity_window_days - 1)
        days = daily_payments(scope, PaymentActivity.day <= as_of, PaymentActivity.day >= since)
        days = days.subquery("window_days")
        return scope.table(
            select(days.c.stall_id, func.sum(days.c.payments).label("payments"))
            .group_by(days.c.stall_id),
            "recent_payments",
        )
    days = daily_payments(scope, PaymentActivity.day <= as_of).subquery("window_days")
    return scope.table(
        select(days.c.stall_id, func.sum(days.c.payments).label("payments"))
        .join(Stall, Stall.id == days.c.stall_id)
        .join(params, params.c.market_id == Stall.market_id)
        .where(days.c.day >= params.c.activity_since)
        .group_by(days.c.stall_id),
        "recent_payments",
    )


def _paid_enough_before(as_of: date, defaults: Defaults, params, scope) -> ColumnElement[bool]:
    """Some day before ``as_of`` had N payments within the activity window ending that day.

    With N = 1 everywhere that is any payment before ``as_of``; otherwise each payment day's
    window is summed (the sum only grows on a payment day, so those are the days to check).
    """
    if defaults.min_payments == 1 and not _target_set(AdoptionTarget.min_payments):
        return exists().where(
            PaymentActivity.stall_id == Stall.id,
            PaymentActivity.day < as_of,
            PaymentActivity.payments > 0,
        )
    days = daily_payments(scope, PaymentActivity.day < as_of).subquery("days_before")
    ending = days.alias("window_end")
    window_sum = (
        select(func.sum(days.c.payments))
        .where(
            days.c.stall_id == ending.c.stall_id,
            days.c.day <= ending.c.day,
            days.c.day > days_before(ending.c.day, params.c.activity_days),
        )
        .correlate_except(days)
        .scalar_subquery()
    )
    return (
        select(literal(1))
        .select_from(ending)
        .where(
            ending.c.stall_id == Stall.id,
            ending.c.payments > 0,
            window_sum >= params.c.min_payments,
        )
        .correlate_except(ending)
        .exists()
    )


def prepare_for_large_queries() -> None:
    """PostgreSQL's JIT spends seconds compiling this many expressions and wins less back;
    switched off for the current transaction only."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


class _EvidenceScope:
    """Which stalls' evidence a ladder query reads, and how its evidence tables are built.

    Called with an evidence model it gives the WHERE clause keeping the table to those stalls,
    so a refresh of a few markets does not aggregate the whole country's evidence. For a list
    of markets the stalls are first taken into a materialised ``scope_stalls`` CTE (read by the
    stall table's market index) that the evidence tables meet through their (stall_id, day)
    indexes; each evidence aggregate is then itself materialised, so it is worked out once
    whatever join order the planner picks: PostgreSQL puts the operating stalls of a few
    markets at a handful (it cannot estimate the status of the day), and a nested loop over
    them would otherwise run an aggregate once per stall.
    """

    def __init__(self, markets: Iterable[int] | None, stalls: Iterable[int] | None) -> None:
        self.stalls = None
        if stalls is not None:
            wanted = list(stalls)
            self._condition = lambda model: model.stall_id.in_(wanted)
        elif markets is not None:
            self.stalls = (
                select(Stall.id.label("stall_id")).where(Stall.market_id.in_(list(markets)))
                .cte("scope_stalls").prefix_with("MATERIALIZED")
            )
            self._condition = lambda model: model.stall_id.in_(select(self.stalls.c.stall_id))
        else:
            self._condition = lambda model: true()

    def __call__(self, model) -> ColumnElement[bool]:
        return self._condition(model)

    def table(self, query: Select, name: str):
        """``query`` as a named FROM: a subquery, or a materialised CTE for a market list."""
        if self.stalls is None:
            return query.subquery(name)
        return query.cte(name).prefix_with("MATERIALIZED")


def status_on_day(as_of: date):
    """Per stall whose status changed after ``as_of``: its status on ``as_of`` (a subquery)."""
    first = (
        select(StallStatusChange.stall_id, func.min(StallStatusChange.id).label("first_id"))
        .where(StallStatusChange.changed_on > as_of)
        .group_by(StallStatusChange.stall_id)
        .subquery("first_change")
    )
    return (
        select(first.c.stall_id, StallStatusChange.old_status.label("status"))
        .join(StallStatusChange, StallStatusChange.id == first.c.first_id)
        .subquery("status_then")
    )


def tenancy_on_day(as_of: date) -> ColumnElement[bool]:
    """The join condition of a stall's tenancy on ``as_of`` (``end_on`` is the last day)."""
    later = Tenancy.__table__.alias("later_tenancy")
    return and_(
        Tenancy.stall_id == Stall.id,
        Tenancy.start_on <= as_of,
        or_(Tenancy.end_on.is_(None), Tenancy.end_on >= as_of),
        ~exists().where(
            later.c.stall_id == Tenancy.stall_id,
            later.c.start_on <= as_of,
            or_(later.c.end_on.is_(None), later.c.end_on >= as_of),
            or_(later.c.start_on > Tenancy.start_on,
                and_(later.c.start_on == Tenancy.start_on, later.c.id > Tenancy.id)),
        ),
    )


def in_force(account, end) -> ColumnElement[bool]:
    """``account`` (the model or an alias) is the version in force at the instant ``end``."""
    return and_(account.created_at < end, or_(account.retired_at.is_(None), account.retired_at >= end))


def confirmed_by(account, end) -> ColumnElement[bool]:
    """``account`` needed no second confirmation, or had it before ``end``: no payee of this
    version was still waiting for a second person at that instant (one that was never
    confirmed before it ended stays unconfirmed; versions from before the rule have none)."""
    return ~exists(select(Payee.id).where(
        Payee.bank_account_id == account.id,
        Payee.first.is_(False),
        or_(Payee.confirmed_at.is_(None), Payee.confirmed_at >= end),
    ))


def stall_steps(
    as_of: date,
    *,
    markets: Iterable[int] | None = None,
    stalls: Iterable[int] | None = None,
) -> Select:
    """Every stall operating on ``as_of`` (optionally only in ``markets`` / only ``stalls``)
    with its step that day: columns stall_id, market_id, commune_id, step, has_account,
    seen_matching."""
    defaults = Defaults.from_config()
    params = market_parameters(as_of, defaults, markets)
    scope = _EvidenceScope(markets, stalls)
    statements = _statements(as_of, scope)
    looks = _latest_looks(as_of, scope)
    own_qr = _own_qr_matches(as_of, scope)
    signs = _signs(as_of, scope)
    payments = _recent_payments(as_of, defaults, params, scope)
    status_then = status_on_day(as_of)
    end = day_end(as_of)

    registered = BankAccount.__table__.alias("registered_account")
    has_account = exists().where(
        registered.c.vendor_id == Tenancy.vendor_id,
        in_force(registered.c, end),
        registered.c.bank_bin.in_(select(Bank.bin)),
    )
    payee = Bank.bin.is_not(None)
    paying = func.coalesce(payments.c.payments, 0) >= params.c.min_payments
    answered_lately = statements.c.latest_on >= params.c.inspection_since
    said_no = and_(
        answered_lately,
        statements.c.latest_answer == QrUse.NO.value,
        statements.c.latest_reason.is_not(None),
    )
    said_using = and_(answered_lately, statements.c.latest_answer.in_(USING))
    used_before = or_(
        statements.c.first_use_on.is_not(None),
        _paid_enough_before(as_of, defaults, params, scope),
    )
    seen_matching = and_(
        payee,
        looks.c.inspected_on >= params.c.inspection_since,
        looks.c.shown_match == 1,
        looks.c.bank_account_id == BankAccount.id,
    )
    signed = and_(payee, or_(signs.c.stall_id.is_not(None), own_qr.c.stall_id.is_not(None)))
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
    payee_on_day = and_(
        BankAccount.vendor_id == Tenancy.vendor_id, in_force(BankAccount, end), confirmed_by(BankAccount, end)
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
        .outerjoin(status_then, status_then.c.stall_id == Stall.id)
        .outerjoin(Tenancy, tenancy_on_day(as_of))
        .outerjoin(BankAccount, payee_on_day)
        .outerjoin(Bank, Bank.bin == BankAccount.bank_bin)
        .outerjoin(statements, statements.c.stall_id == Stall.id)
        .outerjoin(looks, looks.c.stall_id == Stall.id)
        .outerjoin(
            own_qr, and_(own_qr.c.stall_id == Stall.id, own_qr.c.bank_account_id == BankAccount.id)
        )
        .outerjoin(
            signs, and_(signs.c.stall_id == Stall.id, signs.c.bank_account_id == BankAccount.id)
        )
        .outerjoin(payments, payments.c.stall_id == Stall.id)
        .where(
            Stall.opened_on <= as_of,
            func.coalesce(status_then.c.status, Stall.status) == StallStatus.OPERATING.value,
        )
    )
    # (The markets asked about reach the stall table through ``params``, read by its market
    # index; saying them again here made PostgreSQL count their stalls twice as selective.)
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
        count_if(steps.c.seen_matching == 1).label("reached_displayed"),
        count_if(steps.c.step == AdoptionStep.ACTIVE.value).label("reached_active"),
    ]
    return columns


def step_of(stall_id: int, as_of: date) -> AdoptionStep | None:
    """One stall's step (None when it is not operating): the badge on stall pages."""
    value = db.session.execute(
        select(stall_steps(as_of, stalls=[stall_id]).subquery().c.step)
    ).scalar_one_or_none()
    return None if value is None else AdoptionStep(value)

