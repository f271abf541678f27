"""The registry: markets, stalls, vendors, tenancies and bank accounts."""
from flask import Blueprint

bp = Blueprint("registry", __name__)

from market.registry import audit_text, routes  # noqa: F401  (register views and globals on bp)
