"""The administrator adds a user (who can then sign in) and a bank partner (who gets a secret)."""
from __future__ import annotations

from factories import make_market, make_user
from sqlalchemy import select

from market.extensions import db
from market.models import PaymentPartner, Role, User


def test_admin_adds_a_board_user_and_a_bank_partner(journey_factory):
    make_market("Chợ Mun", code="MUN")
    make_user(Role.ADMIN, username="quan.tri")
    admin = journey_factory("admin")
    page = admin.page

    admin.start("quan.tri")
    admin.menu("Người dùng")
    admin.click("Thêm người dùng")
    page.get_by_label("Tên đăng nhập").fill("bql.moi")
    page.get_by_label("Họ tên").fill("Lê Thị Mai")
    page.get_by_label("Vai trò").select_option(label="Ban quản lý chợ")
    page.get_by_label("Chợ được giao").select_option(label="Chợ Mun (MUN)")
    page.get_by_label("Mật khẩu ban đầu").fill("mat-khau-moi-2026")
    admin.shot("new-user")
    admin.click("Lưu", role="button")
    page.get_by_text("Đã tạo người dùng bql.moi.").wait_for()
    admin.shot("user-added")

    admin.menu("Đối tác thanh toán")
    page.get_by_label("Tên đối tác").fill("vietqr-bank-a")
    admin.click("Thêm đối tác", role="button")
    page.get_by_role("heading", name="Đã thêm đối tác vietqr-bank-a").wait_for()
    shown = page.locator("[data-partner-secret]").inner_text().strip()
    admin.shot("partner-added")
    db.session.rollback()
    partner = db.session.scalar(select(PaymentPartner))
    assert partner.name == "vietqr-bank-a" and partner.secret == shown and len(shown) >= 40
    assert db.session.scalar(select(User).where(User.username == "bql.moi")).markets[0].code == "MUN"

    newcomer = journey_factory("new-user")
    newcomer.start("bql.moi", "mat-khau-moi-2026")
    newcomer.page.get_by_role("heading", name="Chợ Mun").wait_for()
