"""The main menu: each area adds its entries with the action a user needs to see them."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user

from market.auth.access import Action, can


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object  # a lazy string, translated when the menu is drawn
    action: Action
    order: int = 50
    also: tuple[str, ...] = ()  # endpoints of pages that belong to this entry


ENTRIES: list[NavEntry] = []


def add_nav_entry(endpoint: str, label: object, action: Action, order: int = 50,
                  also: tuple[str, ...] = ()) -> None:
    ENTRIES.append(NavEntry(endpoint, label, action, order, also))
    ENTRIES.sort(key=lambda e: e.order)


def nav_items() -> list[dict[str, object]]:
    """The entries the signed-in user may open. ``current`` marks one entry: the one this
    page belongs to by endpoint, else the one whose address is the longest prefix of this
    page's (``/dashboard/`` is not current on ``/dashboard/quality``)."""
    if not current_user.is_authenticated:
        return []
    entries = [e for e in ENTRIES if can(current_user, e.action)]
    items = [{"url": url_for(e.endpoint), "label": str(e.label), "current": False} for e in entries]
    owner = [item for e, item in zip(entries, items, strict=True)
             if request.endpoint in (e.endpoint, *e.also)]
    matching = owner or [item for item in items if request.path.startswith(str(item["url"]))]
    if matching:
        max(matching, key=lambda item: len(str(item["url"])))["current"] = True
    return items


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"nav_items": nav_items()})
