"""Spreadsheet import and export of the registry (stalls, vendors, bank accounts)."""
from flask import Blueprint

bp = Blueprint("spreadsheet", __name__, url_prefix="/registry")

from market.registry.spreadsheet import routes  # noqa: F401  (registers the views on bp)
