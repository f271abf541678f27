"""``/profile``: who I am, what I may see, and my personal API tokens."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from market.api.tokens import create_token, revoke_token, user_tokens
from market.auth.access import visible_markets
from market.extensions import db
from market.forms import Form
from market.models import Role
from market.registry.errors import RegistryError

bp = Blueprint("profile", __name__, url_prefix="/profile")

ROLE_LABELS = {
    Role.ADMIN: _l("Quản trị viên"),
    Role.COMMUNE: _l("UBND xã/phường"),
    Role.BOARD: _l("Ban quản lý chợ"),
    Role.TEAM: _l("Tổ chuyển đổi số cộng đồng"),
}


class TokenForm(Form):
    name = StringField(_l("Tên khóa"), validators=[DataRequired(), Length(max=60)],
                       description=_l("Để nhớ khóa dùng cho hệ thống nào, ví dụ: ứng dụng của phường."))


class RevokeForm(Form):
    """Only the CSRF token: revoking is a POST like every change."""


def scope_label() -> str:
    if current_user.role == Role.ADMIN:
        return _("Tất cả các chợ")
    if current_user.role == Role.COMMUNE:
        unit = current_user.admin_unit
        return _("Các chợ thuộc %(unit)s", unit=unit.name) if unit else _("Chưa được giao địa bàn")
    names = db.session.scalars(select(visible_markets().subquery().c.name))
    return ", ".join(names) or _("Chưa được giao chợ nào")


def render_profile(form: TokenForm, new_token: str | None = None, status: int = 200):
    return render_template(
        "profile/index.html", form=form, revoke_form=RevokeForm(), new_token=new_token,
        tokens=user_tokens(current_user), role=ROLE_LABELS[current_user.role],
        scope=scope_label(),
    ), status


@bp.get("")
@login_required
def index():
    return render_profile(TokenForm())


@bp.post("/tokens")
@login_required
def create():
    """The plain token is shown in this answer only: it is not kept anywhere."""
    form = TokenForm()
    if not form.validate_on_submit():
        return render_profile(form, status=400)
    try:
        _token, plain = create_token(current_user, form.name.data)
    except RegistryError as error:
        form.name.errors.append(str(error.message))
        return render_profile(form, status=400)
    db.session.commit()
    return render_profile(TokenForm(formdata=None), new_token=plain)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    if RevokeForm().validate_on_submit() and revoke_token(current_user, token_id) is not None:
        db.session.commit()
        flash(_("Đã thu hồi khóa. Các hệ thống dùng khóa này sẽ không truy cập được nữa."), "info")
    return redirect(url_for("profile.index"))
