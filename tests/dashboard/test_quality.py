"""Data quality: each check lists what needs fixing, with a link to the place to fix it."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from factories import (
    login,
    make_account,
    make_market,
    make_stall,
    make_user,
    make_vendor,
)
from monitor.makers import inspection

from market.extensions import db
from market.models import PaymentNotification, PaymentPartner, Role
from market.models.evidence import NotificationStatus
from market.monitor.clock import local_today

pytestmark = pytest.mark.usefixtures("app")


def test_quality_page_lists_each_problem_with_a_link(client):
    market = make_market("Chợ Mun")
    quiet = make_market("Chợ Vắng", commune=market.commune)
    empty = make_stall(market, code="TRONG-01")
    old = make_stall(market, code="CU-01")
    account = make_account(make_vendor(stall=old), account_number="1099887766")
    account.created_at = datetime(2026, 1, 5, tzinfo=UTC)
    fresh_stall = make_stall(market, code="MOI-01")
    make_account(make_vendor(stall=fresh_stall))
    inspection(fresh_stall, local_today())
    partner = PaymentPartner(name="Ngân hàng thử", secret="s")
    db.session.add(partner)
    db.session.flush()
    # A payment to an account the market held (not matched, say, after a late change): the
    # board of that market sees it; one to an account no market held is the administrator's.
    db.session.add(PaymentNotification(partner_id=partner.id, transaction_id="T0", account_number="555",
                                       amount=10000, paid_at=datetime(2026, 11, 20, tzinfo=UTC),
                                       status=NotificationStatus.QUARANTINED))
    db.session.add(PaymentNotification(partner_id=partner.id, transaction_id="T1", account_number="1099887766",
                                       amount=10000, paid_at=datetime(2026, 11, 20, tzinfo=UTC),
                                       status=NotificationStatus.QUARANTINED))
    board = make_user(Role.BOARD, markets=[market, quiet])
    login(client, board)
    page = client.get("/dashboard/quality").get_data(as_text=True)
    section = page[page.index("chưa có người bán"):page.index("xác nhận lại")]
    assert f'href="/stalls/{empty.id}"' in section and "CU-01" not in section
    section = page[page.index("xác nhận lại"):page.index("chưa được kiểm tra")]
    assert f'href="/stalls/{old.id}"' in section and "1099887766" in section and "MOI-01" not in section
    section = page[page.index("chưa được kiểm tra"):page.index("không có trong sổ")]
    assert "Chợ Vắng" in section and "Chợ Mun" not in section
    assert "(1)" in page[page.index("không có trong sổ"):] and 'href="/monitor/quarantine"' in page
