"""One label, one figure: a page that shows the ladder never puts the same words beside two
different numbers (the rung "Đã treo mã QR" counts stalls that went on to use QR; the step
of the ladder with the sign seen but no use yet has a name of its own)."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import cssselect2
import pytest
import tinyhtml5
from factories import login, make_commune, make_market, make_user
from flask import render_template
from monitor.makers import TODAY, days_ago, inspection, payments, sign_for, tenant_stall

from dashboard.test_monthly_report import DECEMBER_2, close_day
from market.dashboard.reports import area_report, rung_labels
from market.models import AdoptionStep, Role
from market.models.evidence import ScanResult
from market.monitor import clock

pytestmark = pytest.mark.usefixtures("app")


def words(element) -> str:
    return " ".join("".join(element.etree_element.itertext()).split())


def percent(text: str) -> int | None:
    found = re.search(r"(\d+(?:[.,]\d+)?)\s*%", text)
    return None if found is None else round(float(found.group(1).replace(",", ".")))


def figures_by_label(html: str) -> dict[str, set[int]]:
    """Each label of the page's totals with the percentages written beside it: the headline
    cards, the steps table, the report's summary."""
    root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(html))
    shown: dict[str, set[int]] = defaultdict(set)
    for card in root.query_all(".headline .card"):
        figure = percent(words(card.query("p.stat")))
        if figure is not None:
            shown[words(card.query("p.muted"))].add(figure)
    for table in root.query_all("table.steps, table.summary"):
        heads = [words(th) for th in table.query_all("thead th")]
        row = table.query("tbody tr")
        for label, cell in zip(heads, [words(td) for td in row.query_all("td")], strict=True):
            if (figure := percent(cell)) is not None:
                shown[label].add(figure)
    return shown


def assert_one_figure_per_label(html: str, expected: set[str]) -> dict[str, set[int]]:
    shown = figures_by_label(html)
    assert expected <= set(shown), shown  # the page shows the parts the test reads
    assert {label: figures for label, figures in shown.items() if len(figures) > 1} == {}
    return shown


@pytest.fixture
def market():
    """Three operating stalls: one seen with its sign and paying by QR, one seen with its
    sign only, one with an account only: 2 of 3 displayed, 1 of 3 on the displayed step."""
    commune = make_commune("Xã Kim Chung")
    market = make_market("Chợ Mun", commune=commune)
    using, account = tenant_stall(market)
    sign_for(using, account, "S-USING")
    inspection(using, days_ago(4), account=account, scan=ScanResult.MATCH)
    payments(using, days_ago(2), 4)
    shown, account = tenant_stall(market)
    sign_for(shown, account, "S-SHOWN")
    inspection(shown, days_ago(6), account=account, scan=ScanResult.MATCH)
    tenant_stall(market)
    close_day(TODAY)
    market.user = make_user(Role.COMMUNE, unit=commune)
    return market


@pytest.fixture(autouse=True)
def on_december_2(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: DECEMBER_2)


def test_the_market_page_gives_each_ladder_label_one_figure(client, market):
    login(client, market.user)
    page = client.get(f"/dashboard/markets/{market.id}").get_data(as_text=True)
    steps = {step.label for step in AdoptionStep}
    shown = assert_one_figure_per_label(page, set(rung_labels().values()) | steps)
    assert shown["Đã treo mã QR"] == {67}  # the rung: seen displayed, using QR or not
    assert shown[AdoptionStep.DISPLAYED.label] == {33}  # the step: seen, not using yet
    assert shown["Đang dùng QR"] == {33}


def test_the_area_page_and_the_monthly_report_give_each_ladder_label_one_figure(client, app, market):
    login(client, market.user)
    page = client.get(f"/dashboard/units/{market.commune_id}").get_data(as_text=True)
    assert assert_one_figure_per_label(page, set(rung_labels().values()))["Đã treo mã QR"] == {67}
    with app.test_request_context():
        report = area_report(market.user, market.commune, date(2026, 11, 1), DECEMBER_2.date())
        html = render_template("reports/area.html", report=report, labels=rung_labels(), chart=None)
    shown = assert_one_figure_per_label(html, set(rung_labels().values())
                                        | {step.label for step in AdoptionStep})
    assert shown["Đã treo mã QR"] == {67} and shown[AdoptionStep.DISPLAYED.label] == {33}
