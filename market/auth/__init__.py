"""Sign-in, roles and scope: who may see and change what."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from market.auth import routes  # noqa: F401  (registers the views on bp)
