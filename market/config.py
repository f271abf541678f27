"""Configuration: defaults here, then ``MARKET_*`` environment variables, then ``create_app(config)``."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "BABEL_DEFAULT_LOCALE": "vi",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    "LANGUAGES": ["vi", "en"],
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,  # a working day, then sign in again
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
    "PAGE_SIZE": 50,
    # The adoption ladder: windows and targets, overridden per market/commune by adoption_target.
    "ADOPTION_INSPECTION_WINDOW_DAYS": 90,
    "ADOPTION_ACTIVITY_WINDOW_DAYS": 30,
    "ADOPTION_MIN_PAYMENTS": 1,
    "ADOPTION_TARGET_REGISTERED_PCT": 100,
    "ADOPTION_TARGET_DISPLAYED_PCT": 90,
    "ADOPTION_TARGET_ACTIVE_PCT": 70,
    # The monitor's scheduler (crontab fields, in TIMEZONE).
    # After local midnight: compute and close the day that ended.
    "MONITOR_CLOSE_CRON": "10 0 * * *",
    # Days marked stale by late evidence are recomputed this far back; older: monitor backfill.
    "MONITOR_RECOMPUTE_HORIZON_DAYS": 35,
    "MONITOR_LIGHT_MINUTES": 15,
    "MONITOR_ALERTS_CRON": "30 6 * * *",
    "MONITOR_MISFIRE_GRACE_SECONDS": 3600,
    "PAYMENT_WEBHOOK_MAX_SKEW_SECONDS": 300,
    # A payment's paid_at must fall within this many days before now (and not after now plus
    # the skew): a bank retries for days, never for years.
    "PAYMENT_MAX_AGE_DAYS": 400,
    "PAYMENT_BATCH_MAX": 1000,
    # While a worker serves pages, a batch of notices waits this many times its own time
    # before answering (market/monitor/give_way.py); 0: batches never wait.
    "PAYMENT_BATCH_GIVE_WAY": 2.0,
    # PostgreSQL: a notice sent alone is answered once its commit is in the database's memory,
    # without waiting for the disk (see "Payment notices" in the README for what a crash can
    # lose and how the day's report restores it); True waits for the disk as for anything else.
    "PAYMENT_NOTICE_WAITS_FOR_DISK": False,
    # The stall an account paid on a day is kept this long per process (forgotten at once at
    # any recorded change of the registry); None: an hour with REDIS_URL (every process
    # forgets at once), a minute without (other workers forget only then); 0: never kept.
    "PAYMENT_PAYEE_KEEP_SECONDS": None,
    # Shared state of several processes and machines: None keeps everything in this process.
    "REDIS_URL": None,
    "REDIS_PREFIX": "market",
}


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill ``app.config`` in order: defaults, environment (``MARKET_`` prefix), overrides."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("MARKET")
    if overrides:
        app.config.from_mapping(overrides)

    database_url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not database_url:
        database_url = f"sqlite:///{Path(app.instance_path) / 'market.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(database_url)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite has no server to ping; a long busy timeout lets the scheduler and the web
        # server share the file.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    if redis_url:
        # Keys of this deployment only: a reset never touches another's on a shared Redis.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"key_prefix": app.config["REDIS_PREFIX"]})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the libpq form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret_key(instance: Path) -> str:
    """Read the key kept in ``instance/``, creating it once (never in the repository)."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip()
