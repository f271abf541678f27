"""Registry forms: what the pages accept; the services decide what is valid."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import HiddenInput

from market.forms import Form
from market.models import AccountKind, AccountSource, Bank, GoodsCategory, StallStatus
from market.models.registry import CATEGORY_LABELS, STATUS_LABELS
from market.registry.banks import usable_banks

PHOTO_TYPES = ("jpg", "jpeg", "png", "webp")


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as select options; labels may be lazy strings."""
    return [SelectChoice(value, label) for value, label in pairs]


def category_choices(blank: object = None) -> list[SelectChoice]:
    choices = [(c.value, CATEGORY_LABELS[c]) for c in GoodsCategory]
    return options([("", blank), *choices] if blank is not None else choices)


def status_choices(blank: object = None) -> list[SelectChoice]:
    choices = [(s.value, STATUS_LABELS[s]) for s in StallStatus]
    return options([("", blank), *choices] if blank is not None else choices)


RECEIVE_ONLY = _l("nhận được chuyển khoản VietQR; ứng dụng của ngân hàng không quét được mã")


def bank_choices() -> list[SelectChoice]:
    """Every bank of the directory but the withdrawn, as "short name — full name (BIN)".

    Banks whose app cannot scan a VietQR still receive transfers, which is all a stall sign
    needs; their label says so.
    """
    # The bank picker ranks by code and short name: "VCB" and "MB" must find their bank first.
    return [SelectChoice("", "—"), *(
        SelectChoice(b.bin, bank_label(b),
                     render_kw={"data-code": b.code, "data-short-name": b.short_name})
        for b in usable_banks())]


def bank_label(bank: Bank) -> str:
    label = f"{bank.short_name} — {bank.name} ({bank.bin})"
    return label if bank.vietqr else f"{label} · {RECEIVE_ONLY}"


class MarketForm(Form):
    code = StringField(_l("Mã chợ"), validators=[DataRequired(), Length(max=20)])
    name = StringField(_l("Tên chợ"), validators=[DataRequired(), Length(max=120)])
    market_class = SelectField(_l("Hạng chợ"), coerce=int,
                               choices=options([(1, _l("Hạng 1")), (2, _l("Hạng 2")),
                                                (3, _l("Hạng 3"))]))
    address = StringField(_l("Địa chỉ"), validators=[Length(max=255)])
    commune_id = SelectField(_l("Xã/phường"), coerce=int, validators=[InputRequired()])


class StallForm(Form):
    code = StringField(_l("Mã gian hàng"), validators=[DataRequired(), Length(max=20)])
    zone = StringField(_l("Khu"), validators=[Length(max=40)])
    row = StringField(_l("Dãy"), validators=[Length(max=20)])
    number = IntegerField(_l("Số"), validators=[Optional(), NumberRange(min=0)])
    category = SelectField(_l("Ngành hàng"), choices=category_choices())
    status = SelectField(_l("Tình trạng"), choices=status_choices())


class VendorForm(Form):
    name = StringField(_l("Họ tên chủ hộ"), validators=[DataRequired(), Length(max=120)])
    shop_name = StringField(_l("Tên cửa hàng (nếu có)"), validators=[Length(max=120)])
    phone = StringField(_l("Số điện thoại"), validators=[Length(max=20)])
    birth_year = IntegerField(_l("Năm sinh"), validators=[Optional()])
    consent_on = DateField(_l("Ngày đồng ý cung cấp thông tin"), validators=[Optional()])


class TenantForm(VendorForm):
    start_on = DateField(_l("Bắt đầu thuê từ ngày"), validators=[InputRequired()])


class EndTenancyForm(Form):
    end_on = DateField(_l("Ngày kết thúc thuê"), validators=[InputRequired()])


class AccountForm(Form):
    bank_bin = SelectField(_l("Ngân hàng"), validators=[DataRequired()])
    account_number = StringField(_l("Số tài khoản"), validators=[DataRequired(), Length(max=40)])
    account_number_again = StringField(_l("Nhập lại số tài khoản"), validators=[Length(max=40)])
    holder_name = StringField(_l("Tên chủ tài khoản"), validators=[DataRequired(), Length(max=80)])
    kind = RadioField(_l("Loại"), default=AccountKind.ACCOUNT.value, choices=options([
        (AccountKind.ACCOUNT.value, _l("Tài khoản")), (AccountKind.CARD.value, _l("Thẻ"))]))
    source = HiddenField(default=AccountSource.TYPED.value)
    confirm_shared = BooleanField(_l("Tôi đã kiểm tra: tài khoản này đúng là của hộ kinh doanh này"))
    confirm_letters = BooleanField(_l("Tôi đã kiểm tra: số tài khoản này đúng là có chữ cái"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bank_bin.choices = bank_choices()


class QrPhotoForm(Form):
    photo = FileField(_l("Ảnh mã QR của ngân hàng"), validators=[
        FileRequired(_l("Vui lòng chọn ảnh.")),
        FileAllowed(PHOTO_TYPES, _l("Chỉ nhận ảnh JPG, PNG hoặc WEBP.")),
    ])


class StallFilterForm(Form):
    """The stalls table's search and filters (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Tìm mã gian hàng, tên hộ, số tài khoản"))
    zone = SelectField(_l("Khu"), choices=[])
    category = SelectField(_l("Ngành hàng"), choices=category_choices(_l("Tất cả ngành hàng")))
    status = SelectField(_l("Tình trạng"), choices=status_choices(_l("Mọi tình trạng")))
    step = SelectField(_l("Bước sử dụng QR"), choices=[])


class SearchForm(StallFilterForm):
    market = StringField(_l("Mã chợ (không bắt buộc)"), validators=[Length(max=20)])


class ConfirmPayeeForm(Form):
    """Confirming one pending payee: the form names the exact change the person saw."""

    payee = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
