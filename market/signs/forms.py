"""Choosing which signs of a market to print."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField

from market.forms import Form
from market.models import SignFormat
from market.models.signs import FORMAT_LABELS


class SignBatchForm(Form):
    format = SelectField(
        _l("Khổ in"),
        choices=[SelectChoice(f.value, FORMAT_LABELS[f]) for f in SignFormat],
        default=SignFormat.A6.value,
    )
    zone = SelectField(_l("Khu"), choices=[], default="")
    row = SelectField(_l("Dãy"), choices=[], default="")
    missing_only = BooleanField(_l("Chỉ những gian hàng chưa có biển hiện hành"))

    def offer(self, zones: list[str], rows: list[str]) -> None:
        """Fill the zone and row choices with the market's own."""
        everything = SelectChoice("", str(_l("Tất cả")))
        self.zone.choices = [everything] + [SelectChoice(z) for z in zones]
        self.row.choices = [everything] + [SelectChoice(r) for r in rows]
