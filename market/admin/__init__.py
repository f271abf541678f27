"""Administration: users and their scope, the bank directory, administrative units, the bank
partners that push payments."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from market.admin import banks, partners, routes  # noqa: F401  (register the views on bp)
