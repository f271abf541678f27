"""Local days: every window and every snapshot counts days in the configured time zone."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from market.models import utcnow


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Ho_Chi_Minh"))


def local_day(moment: datetime) -> date:
    """The local calendar day of an aware instant."""
    return moment.astimezone(zone()).date()


def local_today() -> date:
    return local_day(utcnow())


def day_end(day: date) -> datetime:
    """The first instant (aware, UTC) after ``day`` ends locally."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=zone()).astimezone(UTC)
