"""Forms of the monitor pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import UUID, InputRequired, Length, NumberRange, Optional

from market.forms import Form
from market.models.adoption import JOB_LABELS, JobKind
from market.models.evidence import QR_USE_LABELS, REASON_LABELS, NonUseReason, QrUse

YES_NO = [SelectChoice("yes", _l("Có")), SelectChoice("no", _l("Không"))]


class PhoneRecordForm(Form):
    """What the phone's outbox (static/js/outbox.js) adds to every record it sends."""

    # Made by the phone so that a resend (or a double tap) is stored once.
    client_uuid = HiddenField(validators=[Optional(), UUID()])
    # When the record was filled and when it was sent, both on the phone's clock (ISO 8601).
    observed_at = HiddenField(_l("Thời điểm ghi"), validators=[Length(max=40)])
    sent_at = HiddenField(_l("Thời điểm gửi"), validators=[Length(max=40)])
    # Who was signed in when the record was filled.
    author_id = HiddenField(_l("Người ghi"), validators=[Length(max=12)])


class InspectionForm(PhoneRecordForm):
    sign_displayed = RadioField(
        _l("Có treo mã QR ở gian hàng không?"), choices=YES_NO,
        validators=[InputRequired(_l("Chọn có hay không treo mã QR."))],
    )
    own_bank_qr = BooleanField(_l("Mã QR treo là mã của ngân hàng người bán (không phải biển in ở chợ)"))
    photo = FileField(
        _l("Ảnh chụp mã QR đang treo"),
        validators=[FileAllowed(["jpg", "jpeg", "png"], _l("Chỉ nhận ảnh JPG hoặc PNG."))],
        description=_l("Chụp thẳng, rõ cả mã; hệ thống đọc mã và so với tài khoản đã đăng ký."),
    )
    qr_use = RadioField(
        _l("Người bán có nhận tiền qua QR không?"),
        choices=[SelectChoice(u.value, QR_USE_LABELS[u]) for u in QrUse],
        validators=[Optional()],
    )
    reason = SelectField(
        _l("Nếu không, vì sao?"),
        choices=[SelectChoice("", "—")] + [SelectChoice(r.value, REASON_LABELS[r]) for r in NonUseReason],
        validators=[Optional()],
    )
    reason_text = StringField(_l("Lý do khác"), validators=[Length(max=200)])
    note = TextAreaField(_l("Ghi chú"), validators=[Length(max=2000)])


class ResolveForm(Form):
    market_code = StringField(_l("Mã chợ"), validators=[Length(max=20)])
    stall_code = StringField(_l("Mã gian hàng"), validators=[Length(max=20)])
    dismiss = BooleanField(_l("Không thuộc gian hàng nào (bỏ qua)"))


class RunForm(Form):
    job = SelectField(_l("Tác vụ"), choices=[SelectChoice(j.value, JOB_LABELS[j]) for j in JobKind])
    day = StringField(_l("Ngày (dd/mm/yyyy, để trống là hôm nay)"), validators=[Length(max=10)])


class ReportForm(Form):
    report = FileField(
        _l("Tệp báo cáo CSV của ngân hàng"),
        validators=[FileAllowed(["csv"], _l("Chỉ nhận tệp CSV."))],
    )
    confirm = BooleanField(_l("Nhập thật (bỏ chọn để chỉ kiểm tra)"))


def _percent(label):
    return IntegerField(label, validators=[Optional(), NumberRange(0, 100)])


def _days(label):
    return IntegerField(label, validators=[Optional(), NumberRange(1, 366)])


class TargetsForm(Form):
    """Targets and windows of one market or commune; an empty field inherits the level above."""

    registered_pct = _percent(_l("Mục tiêu có tài khoản (%)"))
    displayed_pct = _percent(_l("Mục tiêu đã treo mã QR (%)"))
    active_pct = _percent(_l("Mục tiêu đang dùng QR (%)"))
    inspection_window_days = _days(_l("Kiểm tra còn hiệu lực trong (ngày)"))
    activity_window_days = _days(_l("Tính giao dịch QR trong (ngày)"))
    min_payments = IntegerField(
        _l("Số giao dịch tối thiểu để tính là đang dùng"),
        validators=[Optional(), NumberRange(1, 10000)],
    )
