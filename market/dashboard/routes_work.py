"""The follow-up worklist, assignments, the visit form and the route sheet."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from market.auth.access import (
    Action,
    market_or_404,
    market_scope,
    mask_account,
    requires,
    stall_or_404,
    visible_markets,
)
from market.dashboard import bp
from market.dashboard.forms import AssignForm, RouteForm, VisitForm
from market.dashboard.visits import (
    assign_stall,
    record_visit,
    route_sheet,
    team_members,
)
from market.dashboard.worklist import SENIOR_AGE, worklist
from market.extensions import db
from market.models import Market, Role, User, Visit, VisitOutcome, utcnow
from market.monitor import phone
from market.monitor.clock import local_today
from market.monitor.errors import EvidenceError


@bp.get("/worklist")
@requires(Action.READ)
def worklist_start():
    first = db.session.scalar(visible_markets().order_by(Market.name).limit(1))
    if first is None:
        abort(404)
    return redirect(url_for("dashboard.market_worklist", market_id=first.id))


@bp.route("/markets/<int:market_id>/worklist", methods=["GET", "POST"])
@requires(Action.READ)
def market_worklist(market_id: int):
    market = market_or_404(market_id)
    members = team_members(market)
    form = AssignForm()
    form.assignee.choices = [(u.id, u.full_name) for u in members]
    if request.method == "POST":
        market_or_404(market_id, Action.RECORD_EVIDENCE)
        if form.validate():
            stall = stall_or_404(form.stall_id.data, Action.RECORD_EVIDENCE)
            assignee = db.session.get(User, form.assignee.data)
            if stall.market_id != market.id or assignee not in members:
                abort(400)
            assign_stall(stall, assignee, current_user, form.planned_on.data)
            db.session.commit()
            flash(_("Đã giao gian hàng %(code)s cho %(name)s.", code=stall.code, name=assignee.full_name), "info")
            return redirect(url_for("dashboard.market_worklist", market_id=market.id))
        flash(_("Chưa giao được: kiểm tra người được giao và ngày."), "error")
    today = local_today()
    items = worklist([market], today)
    markets = list(db.session.scalars(visible_markets().order_by(Market.name)))
    return render_template(
        "worklist/worklist.html", market=market, markets=markets, items=items, today=today, form=form,
        senior_age=SENIOR_AGE, mask=lambda value: mask_account(value or "", current_user),
        can_assign=current_user.role != Role.COMMUNE and bool(members),
    )


def _save_visit(stall, form: VisitForm) -> bool:
    """Store the visit and commit; False when it was stored before. Raises EvidenceError."""
    try:
        _visit, created = record_visit(
            stall, current_user, client_uuid=form.client_uuid.data,
            outcome=VisitOutcome(form.outcome.data), next_visit_on=form.next_visit_on.data,
            note=form.note.data or "",
            at=phone.observed_time(form.observed_at.data, form.sent_at.data, utcnow()),
        )
        db.session.commit()
    # The same record arriving twice at once: the other request stored it (SQLite may answer
    # "locked" rather than a unique violation when the other commit came first).
    except (IntegrityError, OperationalError):
        db.session.rollback()
        stored = phone.stored_by_the_other(lambda: db.session.scalar(
            select(Visit.id).where(Visit.client_uuid == form.client_uuid.data)))
        if stored is None:
            raise
        created = False
    return created


@bp.route("/stalls/<int:stall_id>/visit", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def visit(stall_id: int):
    stall = stall_or_404(stall_id, Action.RECORD_EVIDENCE)
    form = VisitForm()
    if form.validate_on_submit():
        if not phone.author_matches(form.author_id.data, current_user.id):
            return phone.wrong_author_answer()
        try:
            created = _save_visit(stall, form)
        except EvidenceError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            message = (_("Đã ghi buổi thăm gian hàng %(code)s.", code=stall.code) if created
                       else _("Buổi thăm này đã được ghi trước đó."))
            if phone.from_outbox():
                return phone.stored_answer(message, created)
            flash(message, "info")
            return redirect(url_for("dashboard.market_worklist", market_id=stall.market_id))
    if request.method == "POST" and phone.from_outbox():
        return phone.refused_answer(form.errors, phone.field_labels(form))
    history = db.session.scalars(
        select(Visit).where(Visit.stall_id == stall.id).order_by(Visit.visited_at.desc()).limit(10)
    ).all()
    status = 400 if request.method == "POST" else 200
    return render_template("worklist/visit_form.html", form=form, stall=stall, history=history), status


@bp.get("/route")
@requires(Action.RECORD_EVIDENCE)
def route():
    form = RouteForm(request.args)
    members = list(db.session.scalars(
        select(User).where(User.active, User.role.in_([Role.TEAM, Role.BOARD]),
                           User.markets.any(market_scope(current_user))).order_by(User.full_name)
    ))
    form.assignee.choices = [(u.id, u.full_name) for u in members]
    form.validate()
    day = form.day.data or local_today()
    chosen = next((u for u in members if u.id == form.assignee.data), None)
    if chosen is None:
        chosen = current_user if current_user in members else (members[0] if members else None)
    stops = route_sheet(chosen, day, current_user) if chosen else []
    return render_template("worklist/route.html", form=form, member=chosen, day=day, stops=stops)
