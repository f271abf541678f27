"""Recording audit events: who changed what, when, old → new."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import insert, inspect, select

from market import kept
from market.extensions import db
from market.models import AuditEvent


def snapshot(obj: Any, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The column values of a model instance as JSON-ready data (for ``old``/``new``)."""
    mapper = inspect(type(obj))
    names = fields or tuple(c.key for c in mapper.column_attrs)
    return {name: _plain(getattr(obj, name)) for name in names}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def record(
    action: str,
    entity: str,
    entity_id: Any,
    *,
    market_id: int | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Add an audit event in the current transaction; the caller's commit makes it durable.

    The actor is the signed-in user when there is one; otherwise ``actor_label`` says who
    acted ("vendor link", "scheduler", "cli").
    """
    event = AuditEvent(**_columns(actor_id(), actor_label, action, entity, entity_id,
                                  market_id, old, new))
    kept.registry_changed(db.session())
    db.session.add(event)
    db.session.flush()
    return event


def record_all(events: Iterable[dict[str, Any]], *, actor_label: str = "") -> None:
    """``record`` for many events in one INSERT, each event given as ``record``'s keyword
    arguments (``action``, ``entity``, ``entity_id``, and ``market_id``, ``old``, ``new`` when
    they apply); the same rows as one ``record`` each, without an object or a flush each."""
    actor = actor_id()
    rows = [
        _columns(actor, actor_label, event["action"], event["entity"], event["entity_id"],
                 event.get("market_id"), event.get("old"), event.get("new"))
        for event in events
    ]
    if rows:
        kept.registry_changed(db.session())
        db.session.execute(insert(AuditEvent), rows)


def actor_id() -> int | None:
    """The signed-in user acting now, if any."""
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


def _columns(actor_id: int | None, actor_label: str, action: str, entity: str, entity_id: Any,
             market_id: int | None, old: dict[str, Any] | None,
             new: dict[str, Any] | None) -> dict[str, Any]:
    """An event's column values; of an old → new pair, only the keys that changed."""
    if old is not None and new is not None:
        changed = {k for k in new if old.get(k) != new.get(k)}
        old = {k: v for k, v in old.items() if k in changed}
        new = {k: v for k, v in new.items() if k in changed}
    return {"actor_id": actor_id, "actor_label": actor_label, "action": action,
            "entity": entity, "entity_id": str(entity_id), "market_id": market_id,
            "old": old, "new": new}


def newest() -> tuple | None:
    """The newest event's id and time, or None: every recorded change moves it, so it names
    the state of what the trail covers (the time because ids start again in an emptied
    database)."""
    row = db.session.execute(
        select(AuditEvent.id, AuditEvent.at).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return tuple(row) if row else None
