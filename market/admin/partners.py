"""Bank partners that push payment notifications: list them, add one and show its secret once."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from market.admin import bp
from market.auth.access import Action, requires
from market.extensions import db
from market.forms import Form
from market.models import PaymentPartner
from market.monitor.payments import add_partner
from market.navigation import add_nav_entry

add_nav_entry("admin.partners", _l("Đối tác thanh toán"), Action.ADMINISTER, order=93)


class PartnerForm(Form):
    name = StringField(_l("Tên đối tác (dùng trong tiêu đề X-Partner của webhook)"),
                       validators=[DataRequired(), Length(max=60)])


@bp.route("/partners", methods=["GET", "POST"])
@requires(Action.ADMINISTER)
def partners():
    form = PartnerForm()
    added = secret = None
    if form.validate_on_submit():
        try:
            added, secret = add_partner(form.name.data)
        except ValueError:
            form.name.errors = [_("Tên đối tác trống hoặc đã có.")]
        else:
            db.session.commit()
    rows = db.session.scalars(select(PaymentPartner).order_by(PaymentPartner.name))
    return render_template("admin/partners.html", form=form, partners=list(rows), added=added,
                           secret=secret), 400 if form.errors else 200
