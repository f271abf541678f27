#!/usr/bin/env python
"""Take the README's screenshots of the dashboard and the floor plan from the demo data.

    .venv/bin/python scripts/screenshots.py [--days 120]

Builds a scratch SQLite database (migrations, bank directory, demo data, snapshots for the
last DAYS days of the demo), serves the app on a free loopback port and drives Debian's
headless Chromium with Playwright. Writes static/screenshots/dashboard.png and floor-plan.png.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
DEMO_DAY = date(2026, 11, 20)  # the demo data's latest change


def build_app(folder: Path, days: int):
    from flask_migrate import upgrade
    from sqlalchemy import select

    from market import create_app
    from market.demo.loader import load_demo
    from market.extensions import db
    from market.jobs.runs import run_job
    from market.models.adoption import JobKind
    from market.registry.banks import sync_bank_directory

    app = create_app({"SECRET_KEY": "screenshots", "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}"})
    with app.app_context():
        upgrade(revision="heads")
        sync_bank_directory()
        load_demo()
        db.session.commit()
        for n in range(days - 1, -1, -1):
            run_job(JobKind.FULL, DEMO_DAY - timedelta(days=n), trigger="screenshots")
        from market.models import Market
        commune_market = db.session.scalar(select(Market).order_by(Market.id))
    return app, commune_market.id


def serve(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=120, help="days of snapshots to compute")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from market.demo.loader import DEMO_PASSWORD

    out = ROOT / "static" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app, _ = build_app(Path(folder), args.days)
        server, base = serve(app)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                sign_in(page, base, "demo.xa", DEMO_PASSWORD)
                page.goto(f"{base}/dashboard/")
                page.screenshot(path=str(out / "dashboard.png"), full_page=True)
                page.click("table.ranking a")
                page.click("text=Sơ đồ gian hàng")
                page.wait_for_selector(".plan-stall")
                page.screenshot(path=str(out / "floor-plan.png"), full_page=True)
                browser.close()
        finally:
            server.shutdown()
    print(f"wrote {out / 'dashboard.png'} and {out / 'floor-plan.png'}")


if __name__ == "__main__":
    main()
