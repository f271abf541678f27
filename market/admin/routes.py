"""Administration pages: users (create, edit role and scope, deactivate, reset password)
and administrative units (list, create); the bank directory is in ``banks``."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from market.admin import bp, services
from market.admin.forms import (
    LEVEL_LABELS,
    ROLE_LABELS,
    NewUserForm,
    PasswordForm,
    UnitForm,
    UserForm,
)
from market.admin.units import unit_options
from market.auth.access import Action, requires
from market.extensions import db
from market.models import AdminUnit, Market, UnitLevel, User
from market.navigation import add_nav_entry
from market.registry.errors import RegistryError
from market.registry.forms import options
from market.registry.routes.common import show_error

add_nav_entry("admin.users", _l("Người dùng"), Action.ADMINISTER, order=90)
add_nav_entry("admin.units", _l("Đơn vị hành chính"), Action.ADMINISTER, order=92)


@bp.app_context_processor
def admin_labels() -> dict:
    return {"role_labels": ROLE_LABELS, "level_labels": LEVEL_LABELS}


def unit_choices(level: UnitLevel | None = UnitLevel.COMMUNE):
    return unit_options(level, blank="—")


def fill_scope_choices(form: UserForm) -> None:
    form.admin_unit_id.choices = unit_choices()
    markets = db.session.scalars(
        select(Market).where(Market.retired_at.is_(None)).order_by(Market.name))
    form.markets.choices = options((m.id, f"{m.name} ({m.code})") for m in markets)


@bp.get("/users")
@requires(Action.ADMINISTER)
def users():
    rows = db.session.scalars(select(User).order_by(User.active.desc(), User.username))
    return render_template("admin/users.html", users=list(rows))


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Action.ADMINISTER)
def new_user():
    form = NewUserForm()
    fill_scope_choices(form)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                username=form.username.data, full_name=form.full_name.data,
                role=form.role.data, password=form.password.data,
                admin_unit_id=form.admin_unit_id.data or None, market_ids=form.markets.data)
        except RegistryError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Đã tạo người dùng %(name)s.", name=user.username), "info")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), \
        400 if form.errors else 200


def user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Action.ADMINISTER)
def edit_user(user_id: int):
    user = user_or_404(user_id)
    form = UserForm(obj=user)
    fill_scope_choices(form)
    if not form.is_submitted():
        form.admin_unit_id.data = user.admin_unit_id or 0
        form.markets.data = [m.id for m in user.markets]
    if form.validate_on_submit():
        try:
            services.update_user(
                user, full_name=form.full_name.data, role=form.role.data,
                active=form.active.data, admin_unit_id=form.admin_unit_id.data or None,
                market_ids=form.markets.data)
        except RegistryError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Đã lưu thay đổi."), "info")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user,
                           password_form=PasswordForm(formdata=None)), \
        400 if form.errors else 200


@bp.post("/users/<int:user_id>/password")
@requires(Action.ADMINISTER)
def reset_password(user_id: int):
    user = user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(user, form.password.data)
        except RegistryError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Đã đặt lại mật khẩu cho %(name)s.", name=user.username), "info")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    user_form = UserForm(obj=user, formdata=None)
    fill_scope_choices(user_form)
    user_form.admin_unit_id.data = user.admin_unit_id or 0
    user_form.markets.data = [m.id for m in user.markets]
    return render_template("admin/user_form.html", form=user_form, user=user,
                           password_form=form), 400


@bp.route("/units", methods=["GET", "POST"])
@requires(Action.ADMINISTER)
def units():
    form = UnitForm()
    form.parent_id.choices = unit_choices(level=None)
    if form.validate_on_submit():
        try:
            unit = services.create_unit(code=form.code.data, name=form.name.data,
                                        level=form.level.data,
                                        parent_id=form.parent_id.data or None)
        except RegistryError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Đã thêm %(name)s.", name=unit.name), "info")
            return redirect(url_for("admin.units"))
    text = request.args.get("q", "").strip()
    return render_template("admin/units.html", units=find_units(text), q=text, form=form), \
        400 if form.errors else 200


def find_units(text: str, limit: int = 200) -> list[AdminUnit]:
    """Units whose name or code contains ``text``; the provinces and older units without."""
    query = select(AdminUnit).order_by(AdminUnit.level, AdminUnit.name).limit(limit)
    if text:
        return list(db.session.scalars(query.where(
            or_(AdminUnit.name.ilike(f"%{text}%"), AdminUnit.code.startswith(text)))))
    return list(db.session.scalars(query.where(
        or_(AdminUnit.level != UnitLevel.COMMUNE, ~AdminUnit.active))))
