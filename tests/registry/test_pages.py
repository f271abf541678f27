"""The registry pages as a board member uses them: lists, forms, history."""
from datetime import date

from factories import login, make_account, make_market, make_stall, make_user, make_vendor
from sqlalchemy import select

from market.extensions import db
from market.models import AuditEvent, BankAccount, Stall, Tenancy, Vendor


def board_with_stall(client):
    market = make_market("Chợ Mun")
    vendor = make_vendor("Nguyễn Thị Lan", shop_name="Rau sạch Lan")
    stall = make_stall(market, code="A-01", zone="A", vendor=vendor)
    make_account(vendor, account_number="0011001234567")
    user = make_user("board", markets=[market])
    login(client, user)
    return market, stall, vendor


def test_market_page_lists_stalls_with_tenant_and_account(client):
    market, _stall, _vendor = board_with_stall(client)
    page = client.get(f"/markets/{market.id}").get_data(as_text=True)
    assert "A-01" in page and "Rau sạch Lan" in page and "0011001234567" in page


def test_market_page_searches_by_code_name_and_account(client):
    market, _stall, _vendor = board_with_stall(client)
    make_stall(market, code="B-07", zone="B", vendor=make_vendor("Trần Văn Hùng"))
    db.session.commit()
    for query in ("B-0", "Hùng", "Trần"):
        page = client.get(f"/markets/{market.id}", query_string={"q": query}).get_data(True)
        assert "B-07" in page and "A-01" not in page, query
    page = client.get(f"/markets/{market.id}", query_string={"q": "0011 0012"}).get_data(True)
    assert "A-01" in page and "B-07" not in page
    page = client.get(f"/markets/{market.id}", query_string={"zone": "B"}).get_data(True)
    assert "B-07" in page and "A-01" not in page


def test_stall_page_shows_vendor_account_and_sections(client):
    _market, stall, _vendor = board_with_stall(client)
    page = client.get(f"/stalls/{stall.id}").get_data(as_text=True)
    for text in ("Nguyễn Thị Lan", "0011001234567", "NGUYEN THI LAN", "Biển QR đã cấp",
                 "Kiểm tra tại gian hàng", "Giao dịch QR"):
        assert text in page


def test_create_stall_and_refuse_a_duplicate_code_beside_the_field(client):
    market, _stall, _vendor = board_with_stall(client)
    response = client.post(f"/markets/{market.id}/stalls/new",
                           data={"code": "c-03", "zone": "C", "category": "fish",
                                 "status": "operating"})
    assert response.status_code == 302
    assert db.session.scalar(select(Stall).where(Stall.code == "C-03")) is not None
    again = client.post(f"/markets/{market.id}/stalls/new",
                        data={"code": "A-01", "zone": "Khu mới", "category": "fish",
                              "status": "operating"})
    page = again.get_data(as_text=True)
    assert again.status_code == 400
    assert "đã có gian hàng mã A-01" in page and 'value="Khu mới"' in page


def test_new_tenant_takes_over_the_stall(client):
    _market, stall, _vendor = board_with_stall(client)
    response = client.post(f"/stalls/{stall.id}/tenant", data={
        "name": "Phạm Thị Hoa", "phone": "0912 345 678", "start_on": "2026-06-01"})
    assert response.status_code == 302
    tenancies = db.session.scalars(select(Tenancy).order_by(Tenancy.id)).all()
    assert tenancies[0].end_on == date(2026, 5, 31) and tenancies[1].end_on is None
    assert "Phạm Thị Hoa" in client.get(f"/stalls/{stall.id}").get_data(as_text=True)


def test_bad_phone_keeps_what_was_typed_and_changes_nothing(client):
    _market, stall, _vendor = board_with_stall(client)
    response = client.post(f"/stalls/{stall.id}/tenant", data={
        "name": "Phạm Thị Hoa", "phone": "12", "start_on": "2026-06-01"})
    assert response.status_code == 400
    assert 'value="Phạm Thị Hoa"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Vendor).where(Vendor.name == "Phạm Thị Hoa")) is None


def test_audit_page_lists_changes_old_to_new(client):
    _market, stall, _vendor = board_with_stall(client)
    client.post(f"/stalls/{stall.id}/edit", data={
        "code": "A-01", "zone": "A", "category": "meat", "status": "operating"})
    page = client.get("/audit").get_data(as_text=True)
    assert "Ngành hàng: Rau, củ → Thịt" in page
    assert "vegetables" not in page and "category" not in page and "#" + str(stall.id) not in page
    assert db.session.scalar(select(AuditEvent.actor_id).where(AuditEvent.entity == "stall"))


def test_account_change_asks_twice_keeps_history_and_is_audited(client):
    _market, stall, _vendor = board_with_stall(client)
    mismatch = client.post(f"/stalls/{stall.id}/account", data={
        "bank_bin": "970415", "account_number": "1234567890", "account_number_again": "1234567899",
        "holder_name": "Nguyễn Thị Lan", "kind": "account"})
    assert mismatch.status_code == 400
    assert "không khớp" in mismatch.get_data(as_text=True)
    saved = client.post(f"/stalls/{stall.id}/account", data={
        "bank_bin": "970415", "account_number": "1234567890", "account_number_again": "1234567890",
        "holder_name": "Nguyễn Thị Lan", "kind": "account"}, follow_redirects=True)
    page = saved.get_data(as_text=True)
    assert "NGUYEN THI LAN" in page and "Lịch sử tài khoản" in page
    versions = db.session.scalars(select(BankAccount).order_by(BankAccount.version)).all()
    assert [v.account_number for v in versions] == ["0011001234567", "1234567890"]
    assert versions[0].retired_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "bank_account"))
    assert event.old["account_number"] == "0011001234567"
    assert event.new["account_number"] == "1234567890"


def test_same_account_for_another_vendor_needs_a_confirmation(client):
    market, _stall, _vendor = board_with_stall(client)
    other = make_stall(market, code="A-02", vendor=make_vendor("Lê Văn Nam"))
    data = {"bank_bin": "970436", "account_number": "0011001234567",
            "account_number_again": "0011001234567", "holder_name": "Le Van Nam",
            "kind": "account"}
    warned = client.post(f"/stalls/{other.id}/account", data=data)
    assert warned.status_code == 400
    assert "Rau sạch Lan" in warned.get_data(as_text=True)
    confirmed = client.post(f"/stalls/{other.id}/account", data={**data, "confirm_shared": "y"})
    assert confirmed.status_code == 302


def test_stalls_table_is_paged(client):
    market = make_market()
    for i in range(55):
        make_stall(market, code=f"S-{i:03d}")
    login(client, make_user("board", markets=[market]))
    first = client.get(f"/markets/{market.id}").get_data(as_text=True)
    assert "S-049" in first and "S-050" not in first and "page=2" in first
    second = client.get(f"/markets/{market.id}", query_string={"page": 2}).get_data(as_text=True)
    assert "S-050" in second and "S-054" in second and "S-049" not in second


def test_stalls_table_shows_and_filters_the_adoption_step(client):
    market, _stall, _vendor = board_with_stall(client)
    make_stall(market, code="B-01", vendor=make_vendor("Đỗ Văn Bảy"))
    db.session.commit()
    page = client.get(f"/markets/{market.id}").get_data(as_text=True)
    assert "Đã đăng ký tài khoản" in page and "Chưa có tài khoản" in page
    registered = client.get(f"/markets/{market.id}", query_string={"step": "registered"})
    text = registered.get_data(as_text=True)
    assert "A-01" in text and "B-01" not in text
    none = client.get(f"/markets/{market.id}", query_string={"step": "no_account"})
    assert "B-01" in none.get_data(as_text=True) and "A-01" not in none.get_data(as_text=True)


def test_search_over_a_wide_scope_matches_exact_codes_and_accounts_only(client, app,
                                                                        monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_WIDE_SCOPE", 1)
    market, other = make_market("Chợ Mun", code="MUN"), make_market("Chợ Vân Trì")
    lan = make_vendor("Nguyễn Thị Lan")
    make_stall(market, code="A-01", vendor=lan)
    make_account(lan, account_number="0011001234567")
    make_stall(other, code="Z-09", vendor=make_vendor("Nguyễn Văn Hải"))
    login(client, make_user("admin"))
    by_name = client.get("/search", query_string={"q": "Nguyễn"}).get_data(as_text=True)
    assert "chỉ tìm đúng mã gian hàng" in by_name and "A-01" not in by_name
    for exact in ("a-01", "0011 0012 34567"):
        page = client.get("/search", query_string={"q": exact}).get_data(as_text=True)
        assert "A-01" in page and "Z-09" not in page, exact
    in_market = client.get("/search", query_string={"q": "Nguyễn", "market": "mun"})
    assert "A-01" in in_market.get_data(as_text=True)
    assert "Z-09" not in in_market.get_data(as_text=True)


def test_a_first_account_is_typed_twice_too(client):
    market = make_market("Chợ Mun")
    stall = make_stall(market, code="A-02", vendor=make_vendor("Trần Văn Bình"))
    login(client, make_user("board", markets=[market]))
    form = client.get(f"/stalls/{stall.id}/account").get_data(as_text=True)
    assert 'name="account_number_again"' in form
    typed_once = {"bank_bin": "970415", "account_number": "1234567890",
                  "holder_name": "TRAN VAN BINH", "kind": "account"}
    for again in ("", "1234567899"):
        refused = client.post(f"/stalls/{stall.id}/account",
                              data={**typed_once, "account_number_again": again})
        assert refused.status_code == 400
        assert "không khớp" in refused.get_data(as_text=True)
    assert db.session.scalar(select(BankAccount)) is None
    saved = client.post(f"/stalls/{stall.id}/account",
                        data={**typed_once, "account_number_again": "1234 5678 90"})
    assert saved.status_code == 302
    assert db.session.scalar(select(BankAccount.account_number)) == "1234567890"


def test_a_lettered_account_number_needs_a_confirmation_on_the_form(client):
    _market, stall, _vendor = board_with_stall(client)
    typed = {"bank_bin": "970405", "account_number": "0123 45AB 789",
             "account_number_again": "012345AB789", "holder_name": "Nguyễn Thị Lan", "kind": "account"}
    warned = client.post(f"/stalls/{stall.id}/account", data=typed)
    assert warned.status_code == 400
    page = warned.get_data(as_text=True)
    assert "số tài khoản có chữ cái: kiểm tra lại" in page and 'name="confirm_letters"' in page
    assert 'value="0123 45AB 789"' in page  # what was typed is kept
    assert db.session.scalar(select(BankAccount.account_number).where(
        BankAccount.retired_at.is_(None))) == "0011001234567"
    client.post(f"/stalls/{stall.id}/account", data={**typed, "confirm_letters": "y"})
    assert db.session.scalar(select(BankAccount.account_number).where(
        BankAccount.retired_at.is_(None))) == "012345AB789"
