"""Field checks shared by the registry services: each returns the clean value or raises."""
from __future__ import annotations

import enum
from typing import Any

from flask_babel import lazy_gettext as _l

from market.audit import snapshot
from market.registry.errors import RegistryError


def text(field: str, value: Any, limit: int, *, required: bool = True) -> str:
    """Stripped text of at most ``limit`` characters; blank only when not ``required``."""
    value = " ".join(str(value or "").split())
    if required and not value:
        raise RegistryError(field, _l("Vui lòng nhập thông tin này."))
    if len(value) > limit:
        raise RegistryError(field, _l("Tối đa %(limit)s ký tự.", limit=limit))
    return value


def choice(field: str, value: Any, enum_cls: type[enum.StrEnum]) -> Any:
    try:
        return enum_cls(value)
    except ValueError:
        raise RegistryError(field, _l("Giá trị không hợp lệ.")) from None


def whole_number(field: str, value: Any, low: int, high: int, *, required: bool = False):
    if value is None or value == "":
        if required:
            raise RegistryError(field, _l("Vui lòng nhập thông tin này."))
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RegistryError(field, _l("Phải là một số nguyên.")) from None
    if not low <= number <= high:
        raise RegistryError(field, _l("Phải nằm trong khoảng %(low)s–%(high)s.", low=low, high=high))
    return number


def refuse_unknown(changes: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise RegistryError(min(unknown), _l("Không thể thay đổi thông tin này."))


def apply_changes(obj: Any, changes: dict[str, Any], allowed: frozenset[str]) -> tuple[dict, dict]:
    """Set validated ``changes`` on ``obj``; returns the (old, new) snapshots for the audit."""
    old = snapshot(obj, tuple(sorted(allowed)))
    for name, value in changes.items():
        setattr(obj, name, value)
    return old, snapshot(obj, tuple(sorted(allowed)))
