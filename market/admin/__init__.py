"""Administration: users and their scope, the bank directory, administrative units."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from market.admin import banks, routes  # noqa: F401  (registers the views on bp)
