"""The vendor page's forms: print the sign, say whether QR is used."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from market.forms import Form
from market.models import SignFormat
from market.models.evidence import QR_USE_LABELS, REASON_LABELS
from market.models.signs import FORMAT_LABELS
from market.registry.forms import options


class PrintForm(Form):
    format = SelectField(_l("Khổ giấy"), default=SignFormat.A6.value,
                         choices=options((f.value, FORMAT_LABELS[f]) for f in SignFormat))


class SelfReportForm(Form):
    answer = RadioField(_l("Cửa hàng có nhận thanh toán bằng mã QR không?"),
                        validators=[InputRequired(_l("Vui lòng chọn một câu trả lời."))],
                        choices=options((k.value, v) for k, v in QR_USE_LABELS.items()))
    reason = SelectField(_l("Nếu không, vì sao?"), choices=options(
        [("", "—"), *((k.value, v) for k, v in REASON_LABELS.items())]))
    reason_text = StringField(_l("Lý do khác"), validators=[Length(max=200)])
    note = TextAreaField(_l("Ghi chú (không bắt buộc)"), validators=[Length(max=1000)])
