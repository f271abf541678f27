"""The commune: dashboard -> a market -> its floor plan -> the monthly report as PDF."""
from __future__ import annotations

import re

import pypdfium2
from dashboard.fixtures import build_area


def test_commune_follows_a_market_to_its_floor_plan_and_downloads_the_monthly_report(journey):
    area = build_area()
    area.commune_user.username = "ubnd.donganh"
    page = journey.page

    journey.start("ubnd.donganh")
    journey.menu("Tổng quan")
    page.get_by_role("heading", name=re.compile("Xã Đông Anh")).wait_for()
    journey.shot("dashboard")
    page.locator("table.ranking").get_by_role("link", name="Chợ Mun").click()
    page.get_by_role("heading", name=re.compile("Chợ Mun")).wait_for()
    journey.shot("market")
    journey.click("Sơ đồ gian hàng")
    assert page.locator(".plan-stall").count() == 3
    journey.shot("floor-plan")
    page.locator("nav.crumbs").get_by_role("link", name="Chợ Mun").click()
    page.locator("nav.crumbs").get_by_role("link", name="Xã Đông Anh").click()
    page.get_by_role("heading", name=re.compile("Xã Đông Anh")).wait_for()
    report = journey.download("Báo cáo PDF", role="button")
    text = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(report))
    assert "Chợ Mun" in text and "Chợ Dốc Vân" in text
