"""Names of categories, statuses and steps, translated once per language and process."""
from __future__ import annotations

from functools import cache

from flask_babel import force_locale, get_locale

from market.models import AdoptionStep, GoodsCategory, StallStatus


def stall_labels() -> dict[str, dict]:
    """Category, status and step names in the current language (a table uses them per row)."""
    return labels_in(str(get_locale()))


@cache
def labels_in(locale: str) -> dict[str, dict]:
    with force_locale(locale):
        return {
            "category": {c: c.label for c in GoodsCategory},
            "status": {s: s.label for s in StallStatus},
            "step": {s: s.label for s in AdoptionStep},
        }
