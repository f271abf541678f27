"""The bank directory pages: list, one bank, and updating from a public list with a preview."""
from __future__ import annotations

import dataclasses
import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from market.admin import bp
from market.admin.forms import DirectoryApplyForm, DirectoryFileForm
from market.auth.access import Action, requires
from market.extensions import db
from market.models import Bank
from market.monitor.clock import local_today
from market.navigation import add_nav_entry
from market.registry.banks import (
    DirectoryFileError,
    apply_directory_update,
    preview_directory_update,
    read_directory_file,
)
from market.vietqr import search_banks

add_nav_entry("admin.banks", _l("Ngân hàng"), Action.ADMINISTER, order=91)


@bp.get("/banks")
@requires(Action.ADMINISTER)
def banks():
    text = request.args.get("q", "").strip()
    found = {b.bin for b in search_banks(text)} if text else None
    rows = [b for b in db.session.scalars(select(Bank).order_by(Bank.short_name))
            if found is None or b.bin in found]
    return render_template("admin/banks.html", banks=rows, q=text)


@bp.get("/banks/<bank_bin>")
@requires(Action.ADMINISTER)
def bank(bank_bin: str):
    row = db.session.get(Bank, bank_bin)
    if row is None:
        abort(404)
    return render_template("admin/bank.html", bank=row)


@bp.route("/banks/update", methods=["GET", "POST"])
@requires(Action.ADMINISTER)
def update_banks():
    """Upload a list: nothing changes until the administrator has seen the preview."""
    form = DirectoryFileForm()
    if not form.validate_on_submit():
        return render_template("admin/banks_update.html", form=form), 400 if form.errors else 200
    upload = form.file.data
    try:
        listed = read_directory_file(upload.read(), upload.filename or "")
    except DirectoryFileError as error:
        form.file.errors.append(_("Không đọc được tệp: %(why)s", why=str(error)))
        return render_template("admin/banks_update.html", form=form), 400
    withdraw = bool(form.withdraw_missing.data)
    changes = preview_directory_update(listed, withdraw_missing=withdraw)
    apply_form = DirectoryApplyForm(
        listed=json.dumps([dataclasses.asdict(entry) for entry in listed], ensure_ascii=False),
        filename=upload.filename, withdraw_missing="1" if withdraw else "")
    return render_template("admin/banks_preview.html", changes=changes, form=apply_form,
                           filename=upload.filename, count=len(listed))


@bp.post("/banks/update/apply")
@requires(Action.ADMINISTER)
def apply_banks():
    form = DirectoryApplyForm()
    try:
        listed = read_directory_file((form.listed.data or "").encode(), "previewed.json")
    except DirectoryFileError:
        abort(400)
    changes = apply_directory_update(
        listed, form.filename.data or "", current_user.username, local_today(),
        withdraw_missing=bool(form.withdraw_missing.data))
    db.session.commit()
    flash(_("Đã cập nhật danh bạ ngân hàng: %(added)s thêm, %(renamed)s đổi tên, "
            "%(withdrawn)s rút khỏi danh bạ.", added=len(changes.added),
            renamed=len(changes.renamed), withdrawn=len(changes.withdrawn)), "info")
    return redirect(url_for("admin.banks"))
