import math
import re
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from market.auth import bp, throttle
from market.auth.forms import LoginForm
from market.auth.services import (
    authenticate,
    end_sessions,
    remember_session_version,
    sign_out_everywhere,
)
from market.extensions import db
from market.forms import Form

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_next(target: str | None) -> str:
    """Only follow a ``next`` that stays on this site. Browsers drop tabs and line breaks
    from an address and read a backslash as ``/``, so ``/<tab>/host`` is ``//host``: read
    it as they will."""
    cleaned = CONTROL.sub("", target or "").replace("\\", "/")
    parts = urlsplit(cleaned)
    if cleaned.startswith("/") and not cleaned.startswith("//") \
            and not parts.scheme and not parts.netloc:
        return cleaned
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        username, address = form.username.data, request.remote_addr
        wait = throttle.attempt(username, address)
        if wait is not None:
            flash(_("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.",
                    minutes=math.ceil(wait / 60)), "error")
            return render_template("auth/login.html", form=form), 429
        user = authenticate(username, form.password.data)
        if user is not None:
            throttle.succeeded(username, address)
            db.session.commit()
            session.clear()  # a fresh session on every sign-in
            login_user(user)
            remember_session_version(user)
            session.permanent = True
            return redirect(safe_next(request.args.get("next")))
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 400


@bp.post("/logout")
@login_required
def logout():
    end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere():
    """End every session of this user, on every device, this one included."""
    if Form().validate_on_submit():
        sign_out_everywhere(current_user)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Bạn đã đăng xuất khỏi mọi thiết bị."), "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("profile.index"))
