"""Confirming a stall's changed payee: one change from the stall page, or an import's many
changes from a list with checkboxes. Another board user, a commune user of the area or an
administrator confirms; the maker of the change never does (``payees``)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from market.auth.access import Action, market_or_404, requires, stall_or_404
from market.extensions import db
from market.forms import Form
from market.registry import bp
from market.registry.errors import RegistryError
from market.registry.forms import ConfirmPayeeForm
from market.registry.services import payees


@bp.post("/stalls/<int:stall_id>/account/approve")
@requires(Action.READ)
def approve_payee(stall_id: int):
    """Confirm the pending payee the form names, and only that one."""
    stall = stall_or_404(stall_id)
    form = ConfirmPayeeForm()
    if not form.validate_on_submit():
        flash(_("Thiếu thông tin thay đổi cần xác nhận: hãy tải lại trang."), "error")
        return redirect(url_for("registry.stall", stall_id=stall.id)), 303
    try:
        payees.confirm(stall, form.payee.data, user=current_user)
    except RegistryError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("registry.stall", stall_id=stall.id)), 303
    db.session.commit()
    flash(_("Đã duyệt tài khoản mới: có thể in biển QR."), "info")
    return redirect(url_for("registry.stall", stall_id=stall.id))


@bp.route("/markets/<int:market_id>/account-changes", methods=["GET", "POST"])
@requires(Action.READ)
def payee_changes(market_id: int):
    """The market's changes waiting for a second person, old → new, confirmed in a batch."""
    market = market_or_404(market_id)
    changes = payees.pending_changes(market)
    form = Form()
    if request.method == "POST" and form.validate_on_submit():
        chosen = {int(value) for value in request.form.getlist("payee") if value.isascii() and value.isdigit()}
        done, refused = 0, []
        for change in changes:
            if change.id not in chosen:
                continue
            try:
                payees.confirm(change.stall, change.id, user=current_user)
            except RegistryError as error:
                refused.append(f"{change.stall.code}: {error.message}")
            else:
                done += 1
        db.session.commit()
        if done:
            flash(_("Đã xác nhận %(count)s thay đổi tài khoản.", count=done), "info")
        for message in refused:
            flash(message, "error")
        return redirect(url_for("registry.payee_changes", market_id=market.id))
    return render_template("registry/account_changes.html", market=market, changes=changes,
                           form=form,
                           confirmable={change.id for change in changes
                                        if payees.may_confirm(change.payee, user=current_user)})
