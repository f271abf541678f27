"""Charts read on a phone: every text at least 11 px as rendered, none over another, none cut.

The commune's figures are made like the demo's: many markets of every class, stalls of every
goods category (long Vietnamese names among them), a year of snapshots with close values.
"""
from __future__ import annotations

import re
from datetime import timedelta

from factories import make_commune, make_market, make_user
from monitor.makers import TODAY, days_ago, inspection, payments, sign_for, tenant_stall

from market.extensions import db
from market.models import GoodsCategory, Role
from market.models.evidence import ScanResult
from market.monitor.snapshots import write_snapshots

MIN_PX = 11
SLACK = 0.5  # px: sub-pixel rounding of the layout, not an overlap anyone sees

# Per chart: its box, then per text its content, box and font size in rendered px.
MEASURE = """(charts) => charts.map((svg) => {
    const box = svg.getBoundingClientRect();
    return {box: {left: box.left, top: box.top, right: box.right, bottom: box.bottom},
            label: svg.getAttribute("aria-label"),
            texts: [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim()).map((t) => {
                const r = t.getBoundingClientRect();
                const scale = t.getScreenCTM().a;
                return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
                        left: r.left, top: r.top, right: r.right, bottom: r.bottom};
            })};
})"""


def build_commune() -> None:
    commune = make_commune("Xã Đông Anh", parent=make_commune("Thành phố Hà Nội", code="01"))
    categories = list(GoodsCategory)
    for m in range(9):
        market = make_market(f"Chợ số {m + 1} Đông Anh", commune=commune, market_class=1 + m % 3)
        for i, category in enumerate(categories):
            stall, account = tenant_stall(market, account=(i + m) % 5 != 0)
            stall.category = category
            if account is not None and (i + m) % 3 != 2:
                sign_for(stall, account, f"S{m}-{i}")
                inspection(stall, days_ago(5 + 20 * ((i * m) % 11)), account=account,
                           scan=ScanResult.MATCH)
            if account is not None and (i + 2 * m) % 4 == 0:
                for weeks in range(0, 40, 3 + i % 4):
                    payments(stall, days_ago(7 * weeks + 1), 3)
    db.session.flush()
    days = {TODAY - timedelta(weeks=n) for n in range(12)} | {days_ago(30 * n) for n in range(12)}
    for day in sorted(days):
        write_snapshots(day, None)
    make_user(Role.COMMUNE, unit=commune, username="ubnd.donganh")


def problems(chart: dict) -> list[str]:
    found = []
    box = chart["box"]
    texts = chart["texts"]
    for t in texts:
        if t["px"] < MIN_PX - 0.01:
            found.append(f"{t['text']!r} is {t['px']:.1f} px")
        if (t["left"] < box["left"] - SLACK or t["right"] > box["right"] + SLACK
                or t["top"] < box["top"] - SLACK or t["bottom"] > box["bottom"] + SLACK):
            found.append(f"{t['text']!r} is cut by the chart's edge")
    for k, a in enumerate(texts):
        for b in texts[k + 1:]:
            if (a["left"] < b["right"] - SLACK and b["left"] < a["right"] - SLACK
                    and a["top"] < b["bottom"] - SLACK and b["top"] < a["bottom"] - SLACK):
                found.append(f"{a['text']!r} overlaps {b['text']!r}")
    return found


def check_charts(page, names: list[str]) -> list[dict]:
    charts = page.locator("svg.chart").evaluate_all(MEASURE)
    assert charts, "no chart on the page"
    for chart in charts:
        assert len(chart["texts"]) >= 5, chart["label"]
        assert problems(chart) == [], chart["label"]
    words = " ".join(" ".join(t["text"] for t in chart["texts"]) for chart in charts)
    words = re.sub(r"\s+", " ", words)
    for name in names:  # whole, not shortened
        assert name in words, name
    return charts


def test_chart_text_is_big_enough_and_never_overlaps_on_the_dashboard_and_a_market(journey):
    build_commune()
    page = journey.page
    categories = [category.label for category in GoodsCategory]

    journey.start("ubnd.donganh")
    journey.menu("Tổng quan")
    page.get_by_role("heading", name=re.compile("Xã Đông Anh")).wait_for()
    journey.shot("dashboard-charts")
    charts = check_charts(page, categories + ["Chợ hạng 1", "Chợ hạng 2", "Chợ hạng 3"])
    assert len(charts) == 4  # weekly, monthly, by market class, by goods category

    page.locator("table.ranking").get_by_role("link", name="Chợ số 7 Đông Anh").click()
    page.get_by_role("heading", name=re.compile("Chợ số 7 Đông Anh")).wait_for()
    journey.shot("market-charts")
    check_charts(page, categories)
