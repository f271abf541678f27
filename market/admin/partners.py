"""Partners that push payment notifications (a bank in the app's signed format, SePay, Casso):
list them, add one of a kind and show its secret and webhook address once."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from market.admin import bp
from market.auth.access import Action, requires
from market.extensions import db
from market.forms import Form
from market.models import PaymentPartner
from market.models.evidence import PartnerKind
from market.monitor.payments import add_partner
from market.navigation import add_nav_entry
from market.registry.forms import options

add_nav_entry("admin.partners", _l("Đối tác thanh toán"), Action.ADMINISTER, order=93)


KIND_LABELS = {
    PartnerKind.SIGNED: _l("Ngân hàng (định dạng có chữ ký của hệ thống)"),
    PartnerKind.SEPAY: _l("SePay"),
    PartnerKind.CASSO: _l("Casso"),
}


class PartnerForm(Form):
    name = StringField(_l("Tên đối tác (dùng trong tiêu đề X-Partner của webhook)"),
                       validators=[DataRequired(), Length(max=60)])
    kind = SelectField(_l("Loại đối tác"), default=PartnerKind.SIGNED.value,
                       choices=options((kind.value, label) for kind, label in KIND_LABELS.items()))
    provider_key = PasswordField(
        _l("Khóa do SePay hoặc Casso cấp (khóa HMAC của SePay, checksum key của Casso); "
           "để trống để hệ thống tạo khóa"),
        validators=[Optional(), Length(max=128)])


@bp.route("/partners", methods=["GET", "POST"])
@requires(Action.ADMINISTER)
def partners():
    form = PartnerForm()
    added = secret = None
    if form.validate_on_submit():
        try:
            added, secret = add_partner(form.name.data, PartnerKind(form.kind.data),
                                        form.provider_key.data or None)
        except ValueError:
            form.name.errors = [_("Tên đối tác trống hoặc đã có.")]
        else:
            db.session.commit()
    rows = db.session.scalars(select(PaymentPartner).order_by(PaymentPartner.name))
    return render_template("admin/partners.html", form=form, partners=list(rows), added=added,
                           secret=None if form.provider_key.data else secret,
                           kind_labels=KIND_LABELS), 400 if form.errors else 200
