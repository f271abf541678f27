"""Data-quality lists name the market of every stall they list."""
from __future__ import annotations

from datetime import timedelta

from factories import login, make_account, make_market, make_stall, make_user, make_vendor

from market.models import Role, utcnow


def test_unconfirmed_accounts_name_their_market(client):
    mun, van = make_market("Chợ Mun"), make_market("Chợ Dốc Vân")
    for market, code in ((mun, "A-01"), (van, "A-01")):
        account = make_account(make_vendor(stall=make_stall(market, code=code)))
        account.created_at = utcnow() - timedelta(days=400)
        account.confirmed_at = None
    login(client, make_user(Role.BOARD, markets=[mun, van]))
    page = client.get("/dashboard/quality").get_data(as_text=True)
    section = page.split("Tài khoản chưa được xác nhận lại")[1].split("</section>")[0]
    assert ">Chợ<" in section and "Chợ Mun" in section and "Chợ Dốc Vân" in section
