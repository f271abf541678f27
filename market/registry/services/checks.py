"""Field checks shared by the registry services (each returns the clean value or raises),
and the rules of their batch forms: every item checked in order, each thing changed once."""
from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l

from market.audit import snapshot
from market.registry.errors import RegistryError

T = TypeVar("T")
R = TypeVar("R")


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


class ItemRefused(RegistryError):
    """A batch refused one of its items (``item``: its position) before writing anything."""

    def __init__(self, item: int, error: RegistryError) -> None:
        super().__init__(error.field, error.message)
        self.item, self.error = item, error


def each(items: Iterable[T], clean: Callable[[T], R]) -> list[R]:
    """``clean`` every item in order; the first refusal names the item's position."""
    cleaned = []
    for position, item in enumerate(items):
        try:
            cleaned.append(clean(item))
        except RegistryError as error:
            raise ItemRefused(position, error) from None
    return cleaned


def one(batch: Callable[[list[T]], list[R]], item: T) -> R:
    """A batch service applied to a single item, refusing as the single form always has."""
    try:
        [result] = batch([item])
    except ItemRefused as refused:
        raise refused.error from None
    return result


def complete(values: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    """A batch item gives every argument of the single form, and nothing else."""
    missing, unknown = fields - values.keys(), values.keys() - fields
    if missing or unknown:
        raise TypeError(f"missing {sorted(missing)}, unexpected {sorted(unknown)}")
    return values


def once_each(keys: Iterable[Hashable], what: str) -> None:
    """A batch changes each thing once: a second change of the same one belongs in the next."""
    seen: set[Hashable] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"the same {what} twice in one batch: {key}")
        seen.add(key)
