"""Personal data of vendors: everything held about one vendor as a download, and erasing a
vendor who leaves while the figures built on their stall stay as they were."""
from flask import Blueprint

bp = Blueprint("privacy", __name__)

from market.privacy import routes  # noqa: F401  (registers the views on bp)
