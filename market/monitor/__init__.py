"""The adoption monitor: evidence of QR use, the ladder's figures, alerts and job runs."""
from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("monitor", __name__, url_prefix="/monitor")

from market.monitor import routes  # noqa: F401  (registers the views on bp)


def init_app(app: Flask) -> None:
    from market.auth.access import Action
    from market.extensions import csrf
    from market.monitor import give_way
    from market.monitor.webhook import bp as webhook_bp
    from market.navigation import ENTRIES, add_nav_entry

    app.register_blueprint(bp)
    app.register_blueprint(webhook_bp)
    csrf.exempt(webhook_bp)
    give_way.init_app(app)
    if not any(entry.endpoint.startswith("monitor.") for entry in ENTRIES):
        add_nav_entry("monitor.alerts", _l("Cảnh báo"), Action.READ, 60)
        add_nav_entry("monitor.quarantine", _l("Thanh toán chưa khớp"), Action.EDIT_REGISTRY, 65)
        add_nav_entry("monitor.runs", _l("Tác vụ định kỳ"), Action.ADMINISTER, 90)
