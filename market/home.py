"""The front page: where a signed-in person starts."""
from flask import Blueprint, render_template
from sqlalchemy import func, select

from market.extensions import db
from market.models import Market, Stall

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    counts = {
        "markets": db.session.scalar(select(func.count()).select_from(Market)),
        "stalls": db.session.scalar(select(func.count()).select_from(Stall)),
    }
    return render_template("home.html", counts=counts)
