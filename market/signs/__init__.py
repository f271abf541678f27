"""Printable QR signs: layouts for one stall or a whole market, issued and logged."""
from flask import Blueprint

bp = Blueprint("signs", __name__)

from market.signs import routes  # noqa: F401  (registers the views on bp)
