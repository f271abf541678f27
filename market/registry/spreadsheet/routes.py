"""Upload with a dry run and a confirmation, progress, template and export downloads."""
from __future__ import annotations

import io

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select, update
from werkzeug.exceptions import RequestEntityTooLarge

from market.auth.access import Action, can, market_or_404, requires, visible_markets
from market.errors import render_error
from market.extensions import db
from market.ids import id_arg
from market.models import ImportJob, ImportStatus, Market
from market.navigation import add_nav_entry
from market.registry.spreadsheet import bp, jobs
from market.registry.spreadsheet.export import (
    CSV_TYPE,
    XLSX_TYPE,
    registry_rows,
    template,
    write_csv,
    write_xlsx,
)
from market.registry.spreadsheet.forms import UploadForm
from market.registry.spreadsheet.plan import ACTION_LABELS, ENTITY_LABELS, local_today
from market.registry.spreadsheet.reader import Limits, SpreadsheetError, check_file

add_nav_entry("spreadsheet.export_page", _l("Bảng tính"), Action.READ, order=20)
TYPES = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


def upload_page(form: UploadForm, status: int = 200):
    recent = db.session.scalars(
        select(ImportJob).where(ImportJob.user_id == current_user.id)
        .order_by(ImportJob.id.desc()).limit(10)
    )
    return render_template("spreadsheet/upload.html", form=form, jobs=list(recent),
                           limits=Limits.from_config()), status


@bp.route("/import", methods=["GET", "POST"])
@requires(Action.EDIT_REGISTRY)
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return upload_page(form, 400 if request.method == "POST" else 200)
    limits = Limits.from_config()
    data = form.file.data.read(limits.max_bytes + 1)
    try:
        file_format = check_file(data, limits)
    except SpreadsheetError as error:
        form.file.errors = [str(error.message)]
        return upload_page(form, 400)
    job = ImportJob(user_id=current_user.id, file_name=(form.file.data.filename or "")[:255],
                    file_format=file_format, content=data)
    db.session.add(job)
    # An earlier dry run can no longer be confirmed: its copy of the file goes now.
    db.session.execute(
        update(ImportJob).where(ImportJob.user_id == current_user.id,
                                ImportJob.status == ImportStatus.CHECKED,
                                ImportJob.content.is_not(None))
        .values(content=None)
    )
    db.session.commit()
    jobs.start(job)
    return redirect(url_for(".job", job_id=job.id))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """Werkzeug refuses the body before the view runs; the form comes back with the reason."""
    message = _("Tệp quá lớn: tối đa %(mb)s MB.", mb=Limits.from_config().max_bytes // 2**20)
    if request.endpoint != "spreadsheet.upload" or not can(current_user, Action.EDIT_REGISTRY):
        return render_error(413, error.name, message)
    form = UploadForm(formdata=None)
    form.file.errors = [message]
    return upload_page(form, 413)


def own_job_or_404(job_id: int) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    if job is None or job.user_id != current_user.id:
        abort(404)
    return job


@bp.get("/import/<int:job_id>")
@requires(Action.EDIT_REGISTRY)
def job(job_id: int):
    return render_template("spreadsheet/job.html", job=own_job_or_404(job_id),
                           entities=ENTITY_LABELS, actions=ACTION_LABELS)


@bp.get("/import/<int:job_id>/progress")
@requires(Action.EDIT_REGISTRY)
def progress(job_id: int):
    job = own_job_or_404(job_id)
    return jsonify(status=job.status.value, running=job.running, done=job.done_rows,
                   total=job.total_rows)


@bp.post("/import/<int:job_id>/confirm")
@requires(Action.EDIT_REGISTRY)
def confirm(job_id: int):
    job = own_job_or_404(job_id)
    ready = job.status == ImportStatus.CHECKED and job.content is not None
    if not ready or (job.result or {}).get("problem_count"):
        flash(_("Không thể ghi tệp này: hãy tải tệp lên lại."), "error")
        return redirect(url_for(".upload"))
    if job.result.get("warning_count") and request.form.get("accept_warnings") != "1":
        flash(_("Hãy kiểm tra các dòng có cảnh báo rồi đánh dấu ô xác nhận trước khi ghi."), "error")
        return redirect(url_for(".job", job_id=job.id))
    # Only one confirmation starts the commit, even from two tabs.
    started = db.session.execute(
        update(ImportJob).where(ImportJob.id == job.id, ImportJob.status == ImportStatus.CHECKED)
        .values(status=ImportStatus.APPLYING, done_rows=0)
    ).rowcount
    db.session.commit()
    if started:
        jobs.start(job)
    return redirect(url_for(".job", job_id=job.id))


@bp.get("/import/template.<any(xlsx, csv):file_format>")
@requires(Action.EDIT_REGISTRY)
def template_file(file_format: str):
    return send_file(io.BytesIO(template(file_format)), mimetype=TYPES[file_format],
                     as_attachment=True, download_name=f"mau-so-dang-ky.{file_format}")


@bp.get("/export")
@requires(Action.READ)
def export_page():
    markets = db.session.scalars(visible_markets().order_by(Market.name))
    return render_template("spreadsheet/export.html", markets=list(markets),
                           may_import=can(current_user, Action.EDIT_REGISTRY))


@bp.get("/export.<any(xlsx, csv):file_format>")
@requires(Action.READ)
def export_file(file_format: str):
    market_id = id_arg("market")
    market = market_or_404(market_id) if market_id else None
    rows = registry_rows(current_user, market)
    data = write_xlsx(rows) if file_format == "xlsx" else write_csv(rows)
    name = f"so-dang-ky-{market.code if market else 'tat-ca'}-{local_today():%Y%m%d}"
    return send_file(io.BytesIO(data), mimetype=TYPES[file_format], as_attachment=True,
                     download_name=f"{name}.{file_format}")
