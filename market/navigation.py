"""The main menu: each area adds its entries with the action a user needs to see them."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, url_for
from flask_login import current_user

from market.auth.access import Action, can


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object  # a lazy string, translated when the menu is drawn
    action: Action
    order: int = 50


ENTRIES: list[NavEntry] = []


def add_nav_entry(endpoint: str, label: object, action: Action, order: int = 50) -> None:
    ENTRIES.append(NavEntry(endpoint, label, action, order))
    ENTRIES.sort(key=lambda e: e.order)


def nav_items() -> list[dict[str, str]]:
    if not current_user.is_authenticated:
        return []
    return [
        {"url": url_for(e.endpoint), "label": str(e.label)}
        for e in ENTRIES
        if can(current_user, e.action)
    ]


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"nav_items": nav_items()})
