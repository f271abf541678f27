"""A stall: its page, create and edit, its tenant (vendor) and tenancies."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from market.auth.access import Action, can, market_or_404, requires, stall_or_404
from market.extensions import db
from market.models import (
    BankAccount,
    Inspection,
    PaymentActivity,
    Sign,
    Stall,
    Tenancy,
    VendorLink,
)
from market.monitor.clock import local_today
from market.monitor.ladder import step_of
from market.registry import bp
from market.registry import services as registry
from market.registry.errors import RegistryError
from market.registry.forms import EndTenancyForm, StallForm, TenantForm, VendorForm
from market.registry.routes.common import commit_change
from market.registry.services import payees

VENDOR_FIELDS = ("name", "shop_name", "phone", "birth_year", "consent_on")


def stall_url(stall: Stall) -> str:
    return url_for("registry.stall", stall_id=stall.id)


@bp.get("/stalls/<int:stall_id>")
@requires(Action.READ)
def stall(stall_id: int):
    stall = stall_or_404(stall_id)
    tenancy = registry.current_tenancy(stall)
    vendor = tenancy.vendor if tenancy else None
    accounts = list(db.session.scalars(
        select(BankAccount).where(BankAccount.vendor_id == vendor.id)
        .order_by(BankAccount.version.desc())
    )) if vendor else []
    history = db.session.scalars(
        select(Tenancy).where(Tenancy.stall_id == stall.id).order_by(Tenancy.start_on.desc())
    )
    signs = db.session.scalars(
        select(Sign).where(Sign.stall_id == stall.id).order_by(Sign.issued_at.desc()).limit(20)
    )
    inspections = db.session.scalars(
        select(Inspection).where(Inspection.stall_id == stall.id)
        .order_by(Inspection.inspected_at.desc(), Inspection.id.desc()).limit(20)
    )
    activity = db.session.scalars(
        select(PaymentActivity).where(PaymentActivity.stall_id == stall.id)
        .order_by(PaymentActivity.day.desc()).limit(30)
    )
    links = db.session.scalars(
        select(VendorLink).where(VendorLink.stall_id == stall.id, VendorLink.revoked_at.is_(None))
        .order_by(VendorLink.created_at.desc())
    ) if can(current_user, Action.EDIT_REGISTRY) else []
    change = next(iter(payees.pending_changes(stall.market, [stall.id])), None)
    return render_template(
        "registry/stall.html", stall=stall, tenancy=tenancy, vendor=vendor, accounts=accounts,
        history=list(history), signs=list(signs), inspections=list(inspections),
        activity=list(activity), links=list(links), step=step_of(stall.id, local_today()),
        end_form=EndTenancyForm(), change=change,
        confirmable=change is not None and payees.may_confirm(change.payee, user=current_user),
    )


@bp.route("/markets/<int:market_id>/stalls/new", methods=["GET", "POST"])
@requires(Action.EDIT_REGISTRY)
def new_stall(market_id: int):
    market = market_or_404(market_id, Action.EDIT_REGISTRY)
    form = StallForm()
    if form.validate_on_submit():
        stall = commit_change(
            form,
            lambda: registry.create_stall(
                market, code=form.code.data, zone=form.zone.data, row=form.row.data,
                number=form.number.data, category=form.category.data, status=form.status.data),
            lambda stall: _("Đã thêm gian hàng %(code)s.", code=stall.code))
        if stall is not None:
            return redirect(stall_url(stall))
    return render_template("registry/stall_form.html", form=form, market=market, stall=None), \
        400 if form.errors else 200


@bp.route("/stalls/<int:stall_id>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_REGISTRY)
def edit_stall(stall_id: int):
    stall = stall_or_404(stall_id, Action.EDIT_REGISTRY)
    form = StallForm(obj=stall)
    if form.validate_on_submit() and commit_change(
        form,
        lambda: registry.update_stall(
            stall, code=form.code.data, zone=form.zone.data, row=form.row.data,
            number=form.number.data, category=form.category.data, status=form.status.data),
        lambda _stall: _("Đã lưu thay đổi.")):
        return redirect(stall_url(stall))
    return render_template("registry/stall_form.html", form=form, market=stall.market,
                           stall=stall), 400 if form.errors else 200


@bp.route("/stalls/<int:stall_id>/tenant", methods=["GET", "POST"])
@requires(Action.EDIT_REGISTRY)
def new_tenant(stall_id: int):
    """A new household business takes the stall (the previous tenancy ends the day before)."""
    stall = stall_or_404(stall_id, Action.EDIT_REGISTRY)
    form = TenantForm()
    if not form.is_submitted():
        form.start_on.data = local_today()
    if form.validate_on_submit():
        def take_stall():
            vendor = registry.create_vendor(**{f: form[f].data for f in VENDOR_FIELDS})
            return registry.assign_tenant(stall, vendor, form.start_on.data)

        if commit_change(form, take_stall, lambda tenancy: _(
                "Đã ghi nhận hộ kinh doanh %(name)s.", name=tenancy.vendor.name)):
            return redirect(stall_url(stall))
    return render_template("registry/vendor_form.html", form=form, stall=stall, vendor=None), \
        400 if form.errors else 200


@bp.route("/stalls/<int:stall_id>/vendor", methods=["GET", "POST"])
@requires(Action.EDIT_REGISTRY)
def edit_vendor(stall_id: int):
    stall = stall_or_404(stall_id, Action.EDIT_REGISTRY)
    vendor = registry.current_tenant(stall)
    if vendor is None:
        return redirect(url_for("registry.new_tenant", stall_id=stall.id))
    form = VendorForm(obj=vendor)
    if form.validate_on_submit() and commit_change(
        form,
        lambda: registry.update_vendor(vendor, **{f: form[f].data for f in VENDOR_FIELDS}),
        lambda _vendor: _("Đã lưu thay đổi.")):
        return redirect(stall_url(stall))
    return render_template("registry/vendor_form.html", form=form, stall=stall, vendor=vendor), \
        400 if form.errors else 200


@bp.post("/stalls/<int:stall_id>/tenancy/end")
@requires(Action.EDIT_REGISTRY)
def end_tenancy(stall_id: int):
    stall = stall_or_404(stall_id, Action.EDIT_REGISTRY)
    tenancy = registry.current_tenancy(stall)
    form = EndTenancyForm()
    if tenancy is not None and form.validate_on_submit():
        try:
            registry.end_tenancy(tenancy, form.end_on.data)
        except RegistryError as error:
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Đã kết thúc hợp đồng thuê."), "info")
    elif tenancy is not None:
        flash(_("Vui lòng nhập ngày kết thúc thuê."), "error")
    return redirect(stall_url(stall))
