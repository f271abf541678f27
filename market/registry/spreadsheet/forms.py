from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from market.forms import Form


class UploadForm(Form):
    file = FileField(
        _l("Tệp bảng tính (.xlsx hoặc .csv)"),
        validators=[FileRequired(_l("Vui lòng chọn tệp bảng tính."))],
        description=_l("Dùng tệp mẫu: dòng 1 là tiêu đề cột, mỗi dòng sau là một gian hàng."),
    )
