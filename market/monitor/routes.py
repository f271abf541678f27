"""Monitor pages: the inspection form, alerts, quarantined payments, job runs, bank reports."""
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from market.audit import record
from market.auth.access import (
    Action,
    market_or_404,
    market_scope,
    requires,
    stall_or_404,
    unit_and_descendants,
    visible_markets,
)
from market.extensions import db
from market.jobs.background import start_run
from market.jobs.history import computed_lines
from market.models import (
    AdminUnit,
    Alert,
    Inspection,
    JobRun,
    Market,
    PaymentNotification,
    Role,
    Stall,
    UnitLevel,
    UnmatchedReportRow,
    utcnow,
)
from market.models.adoption import JobKind
from market.models.evidence import NonUseReason, QrUse, ScanResult
from market.monitor import bp, phone
from market.monitor.alerts import close_alert, open_alerts
from market.monitor.clock import local_today
from market.monitor.errors import EvidenceError
from market.monitor.forms import (
    InspectionForm,
    ReportForm,
    ResolveForm,
    RunForm,
    TargetsForm,
)
from market.monitor.inspections import record_inspection, stored_inspection
from market.monitor.ladder import step_of
from market.monitor.payments import quarantined, resolve_notification
from market.monitor.quarantine_scope import visible_notifications, visible_to
from market.monitor.registry_lookup import UNMATCHED_LABELS
from market.monitor.reports import check_report, import_report, unmatched_report_rows
from market.monitor.targets import (
    SETTINGS,
    inherited_targets,
    set_targets,
    stored_targets,
)


def _save_inspection(stall: Stall, form: InspectionForm) -> tuple[Inspection, bool]:
    """(inspection, created) and committed; a resend finds the stored one. Raises EvidenceError."""
    stored = stored_inspection(form.client_uuid.data)
    if stored is not None:
        return stored, False
    answer = QrUse(form.qr_use.data) if form.qr_use.data else None
    # A reason belongs to a "no" only: one picked before the answer changed is not part of it.
    said_no = answer == QrUse.NO
    photo = form.photo.data.read() if form.photo.data else None
    received = utcnow()
    try:
        inspection = record_inspection(
            stall,
            current_user,
            sign_displayed=form.sign_displayed.data == "yes",
            own_bank_qr=form.own_bank_qr.data,
            photo=photo or None,
            qr_use=answer,
            reason=NonUseReason(form.reason.data) if said_no and form.reason.data else None,
            reason_text=(form.reason_text.data or "") if said_no else "",
            note=form.note.data or "",
            at=phone.observed_time(form.observed_at.data, form.sent_at.data, received),
            client_uuid=form.client_uuid.data or None,
            received=received,
        )
        db.session.commit()
    # The same record arriving twice at once: the other request stored it (SQLite may answer
    # "locked" rather than a unique violation when the other commit came first).
    except (IntegrityError, OperationalError):
        db.session.rollback()
        stored = phone.stored_by_the_other(lambda: stored_inspection(form.client_uuid.data))
        if stored is None:
            raise
        return stored, False
    # Another request may have stored the same record between the check above and this one:
    # then the service hands back that row, received at another moment.
    return inspection, inspection.received_at == received


def _inspection_message(inspection: Inspection, created: bool) -> tuple[str, str]:
    if not created:
        return _("Bản ghi này đã được lưu trước đó."), "info"
    if inspection.scan_result == ScanResult.DIFFERENT_ACCOUNT:
        return _("CẢNH BÁO: mã QR đang treo trả tiền vào tài khoản khác với sổ đăng ký. "
                 "Đã báo cho ban quản lý chợ."), "error"
    if inspection.scan_result is not None:
        return _("Đã ghi kết quả kiểm tra: %(result)s.", result=inspection.scan_result.label), "info"
    return _("Đã ghi kết quả kiểm tra."), "info"


@bp.route("/stalls/<int:stall_id>/inspections/new", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def new_inspection(stall_id: int):
    stall = stall_or_404(stall_id, Action.RECORD_EVIDENCE)
    form = InspectionForm()
    if form.validate_on_submit():
        if not phone.author_matches(form.author_id.data, current_user.id):
            return phone.wrong_author_answer()
        try:
            inspection, created = _save_inspection(stall, form)
        except EvidenceError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            message, category = _inspection_message(inspection, created)
            if phone.from_outbox():
                return phone.stored_answer(message, created)
            flash(message, category)
            return redirect(url_for("monitor.new_inspection", stall_id=stall.id))
    if request.method == "POST" and phone.from_outbox():
        return phone.refused_answer(form.errors, phone.field_labels(form))
    status = 400 if request.method == "POST" else 200
    step = step_of(stall.id, local_today())
    return render_template("monitor/inspection_form.html", form=form, stall=stall, step=step), status


@bp.get("/alerts")
@requires(Action.READ)
def alerts():
    found = open_alerts(visible_markets())
    markets = {m.id: m for m in db.session.scalars(visible_markets())}
    stall_ids = [a.stall_id for a in found if a.stall_id]
    stalls = {s.id: s for s in db.session.scalars(select(Stall).where(Stall.id.in_(stall_ids)))}
    return render_template("monitor/alerts.html", alerts=found, markets=markets, stalls=stalls)


@bp.post("/alerts/<int:alert_id>/close")
@requires(Action.RECORD_EVIDENCE)
def close(alert_id: int):
    alert = db.session.scalar(
        select(Alert).join(Market, Market.id == Alert.market_id)
        .where(Alert.id == alert_id, market_scope(current_user))
    )
    if alert is None:
        abort(404)
    close_alert(alert, current_user.id)
    db.session.commit()
    flash(_("Đã đóng cảnh báo."), "info")
    return redirect(url_for("monitor.alerts"))


@bp.get("/quarantine")
@requires(Action.EDIT_REGISTRY)
def quarantine():
    return render_template("monitor/quarantine.html",
                           notifications=quarantined(visible_notifications(current_user)),
                           form=ResolveForm(),
                           report_rows=unmatched_report_rows(visible_to(current_user, UnmatchedReportRow)),
                           reasons=UNMATCHED_LABELS)


@bp.post("/quarantine/<int:notification_id>")
@requires(Action.EDIT_REGISTRY)
def resolve(notification_id: int):
    notification = db.session.scalar(select(PaymentNotification).where(
        PaymentNotification.id == notification_id,
        visible_notifications(current_user))) or abort(404)
    form = ResolveForm()
    stall = None
    if not form.dismiss.data:
        stall = db.session.scalar(
            select(Stall).join(Market, Market.id == Stall.market_id).where(
                Market.code == (form.market_code.data or "").strip(),
                Stall.code == (form.stall_code.data or "").strip(),
                market_scope(current_user),
            )
        )
        if stall is None:
            flash(_("Không tìm thấy gian hàng %(stall)s ở chợ %(market)s.",
                    stall=form.stall_code.data, market=form.market_code.data), "error")
            return redirect(url_for("monitor.quarantine"))
    resolve_notification(notification, stall, current_user)
    db.session.commit()
    flash(_("Đã xử lý giao dịch %(id)s.", id=notification.transaction_id), "info")
    return redirect(url_for("monitor.quarantine"))


@bp.route("/runs", methods=["GET", "POST"])
@requires(Action.ADMINISTER)
def runs():
    form = RunForm()
    if form.validate_on_submit():
        text = (form.day.data or "").strip()
        try:
            day = datetime.strptime(text, "%d/%m/%Y").date() if text else local_today()
        except ValueError:
            form.day.errors.append(_("Ngày phải có dạng dd/mm/yyyy."))
        else:
            job = JobKind(form.job.data)
            start_run(job, day)
            flash(_("Đã bắt đầu tác vụ %(job)s cho ngày %(day)s; tải lại trang để xem kết quả.",
                    job=job.label, day=day.strftime("%d/%m/%Y")), "info")
            return redirect(url_for("monitor.runs"))
    history = db.session.scalars(select(JobRun).order_by(JobRun.started_at.desc()).limit(100))
    return render_template("monitor/runs.html", runs=list(history), form=form, describe=computed_lines)


@bp.route("/activity/import", methods=["GET", "POST"])
@requires(Action.ADMINISTER)
def import_activity():
    form = ReportForm()
    check = None
    if form.validate_on_submit() and form.report.data:
        content = form.report.data.stream
        check = import_report(content) if form.confirm.data else check_report(content)
        if form.confirm.data and check.ok:
            db.session.commit()
            flash(_("Đã nhập %(n)d dòng.", n=check.count), "info")
            if check.unmatched_count:
                flash(_("%(n)d dòng không khớp gian hàng nào, xem trang Thanh toán chưa khớp.",
                        n=check.unmatched_count), "warning")
            return redirect(url_for("monitor.import_activity"))
        db.session.rollback()
    status = 400 if check is not None and not check.ok else 200
    return render_template("monitor/import_activity.html", form=form, check=check), status


def _targets_page(form: TargetsForm, *, market: Market | None, unit: AdminUnit | None):
    """Show and save the targets of one market or one commune (empty = inherit)."""
    level = {"market_id": market.id} if market else {"commune_id": unit.id}
    stored = stored_targets(**level)
    if request.method == "GET":
        form.process(data=stored)
    if form.validate_on_submit():
        values = {name: form[name].data for name in SETTINGS}
        set_targets(**level, **values)
        record("update", "adoption_target", f"{'market' if market else 'unit'}:{(market or unit).id}",
               market_id=market.id if market else None, old=stored, new=values)
        db.session.commit()
        flash(_("Đã lưu mục tiêu."), "info")
        return redirect(request.path)
    inherited = inherited_targets(market.commune_id if market else None)
    status = 400 if form.errors else 200
    return render_template("monitor/targets.html", form=form, market=market, unit=unit,
                           inherited=inherited), status


@bp.route("/targets/markets/<int:market_id>", methods=["GET", "POST"])
@requires(Action.SET_TARGETS)
def market_targets(market_id: int):
    market = market_or_404(market_id, Action.SET_TARGETS)
    return _targets_page(TargetsForm(), market=market, unit=None)


@bp.route("/targets/units/<int:unit_id>", methods=["GET", "POST"])
@requires(Action.SET_TARGETS)
def unit_targets(unit_id: int):
    query = select(AdminUnit).where(AdminUnit.id == unit_id, AdminUnit.level == UnitLevel.COMMUNE)
    if current_user.role != Role.ADMIN:
        if current_user.admin_unit_id is None:
            abort(404)
        query = query.where(AdminUnit.id.in_(unit_and_descendants(current_user.admin_unit_id)))
    unit = db.session.scalar(query) or abort(404)
    return _targets_page(TargetsForm(), market=None, unit=unit)
