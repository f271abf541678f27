"""Users and administrative units: validated, flushed (never committed) and audited."""
from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from market import audit
from market.auth.passwords import password_problem
from market.auth.services import end_all_sessions
from market.extensions import db
from market.models import AdminUnit, Market, Role, UnitLevel, User
from market.registry.errors import RegistryError
from market.registry.services import checks

USERNAME = re.compile(r"^[a-z0-9._-]{3,60}$")
USER_FIELDS = ("username", "full_name", "role", "admin_unit_id", "active")


def _user_snapshot(user: User) -> dict[str, Any]:
    """What the audit keeps about a user: never the password hash."""
    data = audit.snapshot(user, USER_FIELDS)
    data["markets"] = sorted(m.id for m in user.markets)
    return data


def _check_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem is not None:
        raise RegistryError("password", problem)


def _scope(role: Role, unit_id: int | None, market_ids: list[int]) -> tuple:
    """The (unit, markets) a role is scoped by; the other one is cleared."""
    if role == Role.COMMUNE:
        unit = db.session.get(AdminUnit, unit_id) if unit_id else None
        if unit is None:
            raise RegistryError("admin_unit_id", _l("Vui lòng chọn xã/phường của người dùng."))
        return unit, []
    if role in (Role.BOARD, Role.TEAM):
        markets = list(db.session.scalars(select(Market).where(Market.id.in_(market_ids or []))))
        if not markets:
            raise RegistryError("markets", _l("Vui lòng chọn ít nhất một chợ."))
        return None, markets
    return None, []


def create_user(*, username: str, full_name: str, role: Role | str, password: str,
                admin_unit_id: int | None = None, market_ids: list[int] | None = None) -> User:
    """A new active user; commune users need a unit, board and team users their markets."""
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise RegistryError("username", _l(
            "Tên đăng nhập gồm 3–60 ký tự: chữ thường không dấu, số, dấu chấm, gạch."))
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username)):
        raise RegistryError("username", _l("Tên đăng nhập này đã có người dùng."))
    role = checks.choice("role", role, Role)
    full_name = checks.text("full_name", full_name, 120)
    _check_password(password, username)
    unit, markets = _scope(role, admin_unit_id, market_ids or [])
    user = User(username=username, full_name=full_name, role=role, admin_unit=unit,
                markets=markets, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("create", "user", user.id, new=_user_snapshot(user))
    return user


def update_user(user: User, *, full_name: str, role: Role | str, active: bool,
                admin_unit_id: int | None = None, market_ids: list[int] | None = None) -> User:
    """Change a user's name, role, scope or whether they may sign in."""
    role = checks.choice("role", role, Role)
    full_name = checks.text("full_name", full_name, 120)
    unit, markets = _scope(role, admin_unit_id, market_ids or [])
    old = _user_snapshot(user)
    user.full_name, user.role, user.admin_unit, user.markets = full_name, role, unit, markets
    user.active = bool(active)
    db.session.flush()
    new = _user_snapshot(user)
    if old != new:
        action = "retire" if old["active"] and not new["active"] else "update"
        audit.record(action, "user", user.id, old=old, new=new)
    if old["active"] and not new["active"]:
        end_all_sessions(user)
    return user


def reset_password(user: User, password: str) -> User:
    """Set a new password (the person changes it after signing in); audited without it."""
    _check_password(password, user.username)
    user.set_password(password)
    end_all_sessions(user)
    audit.record("update", "user", user.id, old={"password": "…"}, new={"password": "(mới)"})
    return user


def create_unit(*, code: str, name: str, level: UnitLevel | str,
                parent_id: int | None = None) -> AdminUnit:
    """A province, district or commune/ward; the code is unique."""
    code = checks.text("code", code, 12).upper()
    if db.session.scalar(select(AdminUnit.id).where(AdminUnit.code == code)):
        raise RegistryError("code", _l("Mã đơn vị %(code)s đã có.", code=code))
    level = checks.choice("level", level, UnitLevel)
    parent = db.session.get(AdminUnit, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise RegistryError("parent_id", _l("Đơn vị cấp trên không tồn tại."))
    unit = AdminUnit(code=code, name=checks.text("name", name, 120), level=level, parent=parent)
    db.session.add(unit)
    db.session.flush()
    audit.record("create", "admin_unit", unit.id,
                 new=audit.snapshot(unit, ("code", "name", "level", "parent_id")))
    return unit
