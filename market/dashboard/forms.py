"""Forms of the worklist and the visit record."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import UUID, DataRequired, InputRequired, Length, Optional

from market.forms import Form
from market.models import VisitOutcome
from market.models.visits import OUTCOME_LABELS
from market.monitor.forms import PhoneRecordForm


class AssignForm(Form):
    stall_id = IntegerField(validators=[InputRequired()])
    assignee = SelectField(_l("Giao cho"), coerce=int, validators=[InputRequired()])
    planned_on = DateField(_l("Ngày đi thăm"), validators=[Optional()])


class VisitForm(PhoneRecordForm):
    outcome = RadioField(
        _l("Kết quả"), choices=[SelectChoice(o.value, OUTCOME_LABELS[o]) for o in VisitOutcome],
        validators=[InputRequired(_l("Chọn kết quả của buổi thăm."))],
    )
    next_visit_on = DateField(_l("Hẹn thăm lại ngày"), validators=[Optional()])
    note = TextAreaField(_l("Ghi chú"), validators=[Length(max=2000)])
    # A visit always comes through the phone's outbox, which names it.
    client_uuid = HiddenField(validators=[DataRequired(_l("Thiếu mã bản ghi.")), UUID()])


class RouteForm(Form):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    assignee = SelectField(_l("Thành viên"), coerce=int, validators=[Optional()])
    day = DateField(_l("Ngày"), validators=[Optional()])
