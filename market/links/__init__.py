"""Vendor links: a private address per stall that shows the vendor its own sign."""
from flask import Blueprint

bp = Blueprint("links", __name__)

from market.links import routes  # noqa: F401  (registers the views on bp)
