"""The registry: markets, stalls, vendors, tenancies and bank accounts."""
from flask import Blueprint

bp = Blueprint("registry", __name__)

from market.registry import routes  # noqa: F401  (registers the views on bp)
