from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("Hộ đã rời chợ và yêu cầu xoá dữ liệu cá nhân"),
        validators=[DataRequired(_l("Vui lòng đánh dấu xác nhận trước khi xoá."))])
