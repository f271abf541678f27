"""Coverage at a glance: area dashboards, market floor plans, the follow-up worklist, reports."""
from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.app_template_global()
def provisional(day) -> bool:
    """Whether a day's figures are provisional (``market.jobs.work.is_provisional``)."""
    from market.jobs.work import is_provisional

    return day is not None and is_provisional(day)

from market.dashboard import routes, routes_work  # noqa: F401  (registers the views)


def init_app(app: Flask) -> None:
    from market.auth.access import Action
    from market.navigation import ENTRIES, add_nav_entry

    app.register_blueprint(bp)
    if not any(entry.endpoint.startswith("dashboard.") for entry in ENTRIES):
        add_nav_entry("dashboard.index", _l("Tổng quan"), Action.READ, 5)
        add_nav_entry("dashboard.worklist_start", _l("Cần đến thăm"), Action.RECORD_EVIDENCE, 55,
                      also=("dashboard.market_worklist", "dashboard.visit", "dashboard.route"))
        add_nav_entry("dashboard.quality", _l("Chất lượng dữ liệu"), Action.READ, 70)
