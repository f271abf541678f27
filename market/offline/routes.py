"""``/sw.js`` (from the site root, to control every page), the page shown offline for a page
not kept on the phone, and ``/offline/session`` for the phone's outbox."""
from flask import jsonify, render_template
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from market.offline import bp
from market.offline.shell import ROUTE_PAGES, page_revision, shell_manifest


def _fallback_page() -> str:
    return render_template("offline/fallback.html")


@bp.get("/sw.js")
def service_worker():
    shell = [*shell_manifest(), {"url": "/offline", "revision": page_revision(_fallback_page())}]
    script = render_template("offline/sw.js", shell=shell, route_pages=ROUTE_PAGES)
    return script, 200, {
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": "no-cache",
        "Service-Worker-Allowed": "/",
    }


@bp.get("/offline")
def fallback():
    """Public and personal-data free: it is kept on the phone for anyone who uses it."""
    return _fallback_page()


@bp.get("/offline/session")
def session():
    """Who may send the phone's waiting records now, with a fresh CSRF token to send them.

    Signed out, a plain 401 that leaves the session alone: a redirect to the sign-in page
    would start a new session under a sign-in form the person may be filling in.
    """
    if not current_user.is_authenticated:
        answer = jsonify(user_id=None)
        answer.status_code = 401
    else:
        answer = jsonify(user_id=str(current_user.id), csrf_token=generate_csrf())
    answer.headers["Cache-Control"] = "no-store"
    return answer
