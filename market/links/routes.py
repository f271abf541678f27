"""The vendor's private page (no sign-in: the token is the key) and the board's buttons to
create and revoke links."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from market.auth.access import Action, requires, stall_or_404
from market.downloads import content_disposition
from market.extensions import db
from market.links import bp, services
from market.links.forms import PrintForm, SelfReportForm
from market.models import SignFormat, Stall, VendorLink
from market.monitor.errors import EvidenceError
from market.monitor.self_reports import record_self_report
from market.registry.errors import RegistryError
from market.registry.forms import ConfirmPayeeForm
from market.registry.services import payees
from market.registry.services.vendors import current_tenancy
from market.signs.selection import StallForSign
from market.signs.services import SignUnavailable, plan_signs, render_stall_sign
from market.vietqr.render import render_svg

ACTOR = "vendor link"


def link_or_404(token: str) -> VendorLink:
    link = services.active_link(token)
    if link is None:
        abort(404)
    return link


def stall_entry(stall: Stall) -> StallForSign:
    """The stall as the sign printer sees it: its payload, or why it cannot have a sign."""
    plan = plan_signs(stall.market, SignFormat.A6, stall_ids=[stall.id])
    return (plan.unprintable or plan.printable)[0]


def vendor_page(link: VendorLink, report_form: SelfReportForm | None = None, status: int = 200):
    entry = stall_entry(link.stall)
    change = next(iter(payees.pending_changes(link.stall.market, [link.stall_id])), None)
    return render_template(
        "links/vendor.html", link=link, stall=link.stall, entry=None,
        qr_svg=None if entry.obstacle else render_svg(entry.payload, size_mm=60),
        obstacle=entry.obstacle.label if entry.obstacle else None, change=change,
        confirmable=change is not None and payees.may_confirm(change.payee, link=link),
        print_form=PrintForm(formdata=None), confirm_form=ConfirmPayeeForm(formdata=None),
        report_form=report_form or SelfReportForm(formdata=None),
    ), status


@bp.get("/v/<token>")
def vendor(token: str):
    return vendor_page(link_or_404(token))


@bp.post("/v/<token>/sign")
def vendor_sign(token: str):
    link = link_or_404(token)
    form = PrintForm()
    if not form.validate_on_submit():
        return vendor_page(link, status=400)
    try:
        pdf = render_stall_sign(link.stall, form.format.data, actor_label=ACTOR)
    except SignUnavailable:
        return vendor_page(link, status=409)
    db.session.commit()
    filename = f"bien-qr-{link.stall.market.code}-{link.stall.code}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": content_disposition(filename, inline=True)})


@bp.post("/v/<token>/account/confirm")
def vendor_confirm_account(token: str):
    """The vendor confirms the new account shown on its page: the second person, unless the
    link was issued by the maker of the change."""
    link = link_or_404(token)
    form = ConfirmPayeeForm()
    if not form.validate_on_submit():
        return vendor_page(link, status=400)
    try:
        payees.confirm(link.stall, form.payee.data, link=link)
    except RegistryError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return vendor_page(link, status=409)
    db.session.commit()
    flash(_("Cảm ơn bạn! Tài khoản mới đã được xác nhận, biển QR mới có thể in."), "info")
    return redirect(url_for("links.vendor", token=token))


@bp.post("/v/<token>/report")
def vendor_report(token: str):
    link = link_or_404(token)
    form = SelfReportForm()
    if form.validate_on_submit():
        try:
            record_self_report(link.stall, form.answer.data, form.reason.data or None,
                               form.note.data or "", reason_text=form.reason_text.data or "")
        except EvidenceError as error:
            target = form._fields.get(error.field, form.answer)
            target.errors = [*target.errors, str(error.message)]
        else:
            db.session.commit()
            flash(_("Cảm ơn bạn! Ban quản lý chợ đã nhận được câu trả lời."), "info")
            return redirect(url_for("links.vendor", token=token))
    return vendor_page(link, form, status=400)


@bp.post("/stalls/<int:stall_id>/links")
@requires(Action.EDIT_REGISTRY)
def create(stall_id: int):
    stall = stall_or_404(stall_id, Action.EDIT_REGISTRY)
    if current_tenancy(stall) is None:  # a link belongs to a tenant: none to give it to
        flash(_("Gian hàng chưa có hộ kinh doanh: hãy ghi nhận người thuê trước."), "error")
        return redirect(url_for("registry.stall", stall_id=stall.id))
    link, token = services.create_link(stall)
    db.session.commit()
    url = url_for("links.vendor", token=token, _external=True)
    return render_template("links/created.html", stall=stall, link=link, url=url,
                           qr_svg=render_svg(url, size_mm=40))


@bp.post("/links/<int:link_id>/revoke")
@requires(Action.EDIT_REGISTRY)
def revoke(link_id: int):
    link = db.session.get(VendorLink, link_id)
    if link is None:
        abort(404)
    stall = stall_or_404(link.stall_id, Action.EDIT_REGISTRY)
    services.revoke_link(link)
    db.session.commit()
    flash(_("Đã thu hồi đường dẫn: đường dẫn cũ không mở được nữa."), "info")
    return redirect(url_for("registry.stall", stall_id=stall.id))
