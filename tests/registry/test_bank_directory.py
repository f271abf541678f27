"""The bank directory as it stands: receive-only banks usable, updates from public lists with a preview."""
import io
import json

import pytest
from factories import login, make_account, make_market, make_stall, make_user, make_vendor
from sqlalchemy import select, update

from market.extensions import db
from market.models import Bank, BankAccount, SignFormat
from market.registry.banks import sync_bank_directory
from market.signs.selection import Obstacle, plan_signs
from market.vietqr import all_banks

# A list in the shape VietQR.io publishes: one bank renamed, one new BIN, most BINs absent.
PUBLIC_LIST = {"code": "00", "desc": "ok", "data": [
    {"id": 17, "name": "Ngân hàng TMCP Công thương Việt Nam", "code": "ICB", "bin": "970415",
     "shortName": "VietinBank", "transferSupported": 1},
    {"id": 43, "name": "Ngân hàng TMCP Ngoại thương Việt Nam (tên mới)", "code": "VCB",
     "bin": "970436", "shortName": "Vietcombank", "transferSupported": 1},
    {"id": 99, "name": "Ngân hàng số Thử nghiệm", "code": "TEST", "bin": "979999",
     "shortName": "Thử nghiệm", "transferSupported": 0},
    {"id": 100, "name": "Không có BIN", "code": "NOBIN", "bin": "", "shortName": "NoBIN"},
]}


@pytest.fixture
def shipped_directory(app):
    """Put the bank table back as shipped once the test has changed it."""
    yield
    db.session.rollback()
    db.session.execute(update(Bank).values(source=""))
    shipped = {bank.bin for bank in all_banks()}
    used = set(db.session.scalars(select(BankAccount.bank_bin)))
    for row in db.session.scalars(select(Bank)):
        if row.bin not in shipped and row.bin not in used:
            db.session.delete(row)
    sync_bank_directory()
    db.session.commit()


def upload(client, data: bytes, name: str = "banks.json", withdraw: bool = True):
    form = {"file": (io.BytesIO(data), name)}
    if withdraw:
        form["withdraw_missing"] = "y"
    return client.post("/admin/banks/update", data=form, content_type="multipart/form-data")


def section(page: str, name: str) -> str:
    start = page.index(f'id="{name}"')
    return page[start:page.index("</section>", start)]


def hidden(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    tag = page[page.rindex("<input", 0, start):page.index(">", start)]
    value = tag[tag.index('value="') + 7:]
    return value[:value.index('"')].replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")


def test_a_receive_only_bank_is_offered_with_its_note_and_takes_an_account(client):
    market = make_market()
    stall = make_stall(market, code="A-01", vendor=make_vendor("Trần Văn Bình"))
    login(client, make_user("board", markets=[market]))
    form = client.get(f"/stalls/{stall.id}/account").get_data(as_text=True)
    uob = form[form.index('value="970458"'):]
    assert "ứng dụng của ngân hàng không quét được mã" in uob[:uob.index("</option>")]
    vietin = form[form.index('value="970415"'):]
    assert "không quét được" not in vietin[:vietin.index("</option>")]
    saved = client.post(f"/stalls/{stall.id}/account", data={
        "bank_bin": "970458", "account_number": "9012345678", "account_number_again": "9012345678",
        "holder_name": "Trần Văn Bình", "kind": "account"})
    assert saved.status_code == 302
    assert db.session.scalar(select(BankAccount.bank_bin)) == "970458"


def test_a_sign_can_be_printed_for_an_account_at_a_receive_only_bank(app):
    market = make_market()
    for number, bank_bin in enumerate(("970458", "458761", "970421", "970444")):
        make_account(make_vendor(stall=make_stall(market, code=f"A-{number}")), bank_bin=bank_bin)
    plan = plan_signs(market, SignFormat.A6)
    assert len(plan.printable) == 4 and plan.unprintable == []


def test_the_update_shows_a_preview_and_changes_nothing_until_applied(
        client, shipped_directory):
    login(client, make_user("admin"))
    before = {row.bin: (row.name, row.status) for row in db.session.scalars(select(Bank))}
    response = upload(client, json.dumps(PUBLIC_LIST, ensure_ascii=False).encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    added, renamed = section(page, "added"), section(page, "renamed")
    withdrawn = section(page, "withdrawn")
    assert "979999" in added and "(1)" in added
    assert "970436" in renamed and "(tên mới)" in renamed and "970415" not in renamed
    assert "970422" in withdrawn and "970415" not in withdrawn
    assert "NOBIN" not in page
    db.session.expire_all()
    assert {row.bin: (row.name, row.status) for row in db.session.scalars(select(Bank))} == before

    applied = client.post("/admin/banks/update/apply", data={
        "listed": hidden(page, "listed"), "filename": hidden(page, "filename"),
        "withdraw_missing": hidden(page, "withdraw_missing")})
    assert applied.status_code == 302
    db.session.expire_all()
    new = db.session.get(Bank, "979999")
    assert (new.short_name, new.vietqr, new.status) == ("Thử nghiệm", False, "active")
    assert new.source.startswith("file banks.json")
    vcb = db.session.get(Bank, "970436")
    assert vcb.status == "renamed" and "Ngoại thương Việt Nam" in vcb.note
    assert db.session.get(Bank, "970422").status == "withdrawn"
    assert db.session.get(Bank, "970415").status == "active"

    sync_bank_directory()  # the shipped file does not undo what the administrator applied
    assert db.session.get(Bank, "970422").status == "withdrawn"
    assert "(tên mới)" in db.session.get(Bank, "970436").name


def test_without_withdrawing_only_listed_banks_change(client, shipped_directory):
    login(client, make_user("admin"))
    page = upload(client, json.dumps(PUBLIC_LIST).encode(), withdraw=False).get_data(as_text=True)
    assert "(0)" in section(page, "withdrawn")


def test_a_csv_in_the_public_lists_shape_is_read(client, shipped_directory):
    login(client, make_user("admin"))
    rows = "bin,code,shortName,name,vietQRStatus\n971133,PVDB,PVcomBank Pay,Ngân hàng số,1\n"
    page = upload(client, rows.encode(), name="banks.csv").get_data(as_text=True)
    assert "971133" not in section(page, "added")
    assert "970415" in section(page, "withdrawn")


@pytest.mark.parametrize(("data", "name", "words"), [
    (b"{not json", "banks.json", "not JSON"),
    (b'[{"bin": "97041", "name": "X"}]', "banks.json", "row 1"),
    (b'[{"bin": "970415", "name": "A"}, {"bin": "970415", "name": "B"}]', "banks.json", "twice"),
    (b'{"code": "00"}', "banks.json", "list of banks"),
])
def test_an_unreadable_file_is_refused_naming_the_problem(client, data, name, words):
    login(client, make_user("admin"))
    response = upload(client, data, name)
    assert response.status_code == 400 and words in response.get_data(as_text=True)


def test_accounts_at_a_withdrawn_bin_show_in_the_quality_list_and_get_no_sign(
        client, shipped_directory):
    market = make_market("Chợ Mun")
    stall = make_stall(market, code="B-07")
    make_account(make_vendor(stall=stall), bank_bin="970460", account_number="5566778899")
    db.session.get(Bank, "970460").status = "withdrawn"
    db.session.flush()
    plan = plan_signs(market, SignFormat.A6)
    assert [entry.obstacle for entry in plan.unprintable] == [Obstacle.BANK_WITHDRAWN]
    login(client, make_user("board", markets=[market]))
    page = client.get("/dashboard/quality").get_data(as_text=True)
    section = page[page.index("ngân hàng đã bị rút"):page.index("xác nhận lại")]
    assert f'href="/stalls/{stall.id}"' in section and "VietCredit (970460)" in section
    form = client.get(f"/stalls/{stall.id}/account").get_data(as_text=True)
    assert 'value="970460"' not in form
