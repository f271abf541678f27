"""Administration forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length

from market.forms import Form
from market.models import Role, UnitLevel
from market.registry.forms import options

ROLE_LABELS = {
    Role.ADMIN: _l("Quản trị viên"),
    Role.COMMUNE: _l("UBND xã/phường"),
    Role.BOARD: _l("Ban quản lý chợ"),
    Role.TEAM: _l("Tổ chuyển đổi số cộng đồng"),
}
LEVEL_LABELS = {
    UnitLevel.PROVINCE: _l("Tỉnh/thành phố"),
    UnitLevel.DISTRICT: _l("Quận/huyện (cũ)"),
    UnitLevel.COMMUNE: _l("Xã/phường/thị trấn"),
}


class UserForm(Form):
    full_name = StringField(_l("Họ tên"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Vai trò"), choices=options(ROLE_LABELS.items()))
    admin_unit_id = SelectField(_l("Xã/phường (cho UBND xã/phường)"), coerce=int, choices=[])
    markets = SelectMultipleField(_l("Chợ được giao (cho ban quản lý, tổ công nghệ)"),
                                  coerce=int, choices=[])
    active = BooleanField(_l("Được phép đăng nhập"), default=True)


class NewUserForm(UserForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Mật khẩu ban đầu"), validators=[DataRequired(), Length(max=200)])


class PasswordForm(Form):
    password = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(), Length(max=200)])


class UnitForm(Form):
    code = StringField(_l("Mã đơn vị"), validators=[DataRequired(), Length(max=12)])
    name = StringField(_l("Tên"), validators=[DataRequired(), Length(max=120)])
    level = SelectField(_l("Cấp"), choices=options(LEVEL_LABELS.items()))
    parent_id = SelectField(_l("Trực thuộc"), coerce=int, choices=[])


class DirectoryFileForm(Form):
    """A public bank list to compare with the directory, then apply."""

    file = FileField(_l("Tệp danh sách ngân hàng (JSON hoặc CSV)"), validators=[
        FileRequired(_l("Vui lòng chọn tệp.")),
        FileAllowed(("json", "csv"), _l("Chỉ nhận tệp JSON hoặc CSV.")),
    ])
    withdraw_missing = BooleanField(_l("Rút khỏi danh bạ các BIN không có trong tệp"), default=True)


class DirectoryApplyForm(Form):
    """The previewed list, carried back unchanged to be applied."""

    listed = HiddenField()
    filename = HiddenField()
    withdraw_missing = HiddenField()
