"""The JSON API under ``/api/v1/`` for the systems around the market, and the profile page
where people make their API tokens."""
from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from market.auth.access import Action
from market.navigation import add_nav_entry

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# The modules below declare their operations on bp, so they come after it.
from market.api import (  # noqa: F401
    docs,
    guard,
    opendata,
    reads,
    writes,
)
from market.api.problems import ApiProblem
from market.api.profile import bp as profile_bp

bp.before_request(guard.authenticate)
bp.after_request(guard.conditional)
bp.register_error_handler(ApiProblem, guard.handle_problem)
bp.register_error_handler(HTTPException, guard.handle_http)

add_nav_entry("api.docs", _l("API"), Action.READ, order=90)
add_nav_entry("profile.index", _l("Hồ sơ"), Action.READ, order=95)


def init_app(app: Flask) -> None:
    from market.extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(profile_bp)
