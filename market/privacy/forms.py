from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import DataRequired

from market.forms import Form


class EraseForm(Form):
    confirm = BooleanField(
        _l("Hộ đã rời chợ và yêu cầu xoá dữ liệu cá nhân"),
        validators=[DataRequired(_l("Vui lòng đánh dấu xác nhận trước khi xoá."))])
