"""One small market with everything a page can show, and a value for every URL argument."""
from __future__ import annotations

from factories import (
    make_account,
    make_commune,
    make_market,
    make_stall,
    make_user,
    make_vendor,
)
from sqlalchemy import select

from market.api.tokens import create_token
from market.extensions import db
from market.links.services import create_link
from market.models import Alert, ImportJob, ImportStatus, Payee, Role, utcnow
from market.models.evidence import AlertKind, PartnerKind, PaymentPartner


def build_world() -> dict[str, object]:
    """Rows for every kind of page, flushed; the URL arguments that reach them."""
    commune = make_commune("Xã Mai Lâm")
    market = make_market("Chợ Mun", commune=commune)
    vendor = make_vendor("Trần Văn Bình", phone="0912345678", birth_year=1960)
    stall = make_stall(market, code="A01", vendor=vendor)
    make_account(vendor, holder_name="TRAN VAN BINH")
    # A changed account waiting for its second person: the approval box and the vendor's
    # confirmation are on the pages too.
    make_account(vendor, holder_name="TRAN VAN BINH")
    db.session.scalar(select(Payee).where(Payee.stall_id == stall.id,
                                          Payee.ended_at.is_(None))).first = False
    admin = make_user(Role.ADMIN, username="quan.tri")
    board = make_user(Role.BOARD, markets=[market])
    link, plain_link = create_link(stall)
    token, _plain = create_token(admin, "ứng dụng phường")
    job = ImportJob(user_id=admin.id, file_name="danh-sach.csv", file_format="csv",
                    status=ImportStatus.FAILED, error="Tệp trống", finished_at=utcnow())
    alert = Alert(kind=next(iter(AlertKind)), market_id=market.id, stall_id=stall.id,
                  detail="Biển QR không khớp")
    partner = PaymentPartner(name="SePay", kind=PartnerKind.SEPAY, secret="khoa-bi-mat-cua-sepay")
    db.session.add_all([job, alert, partner])
    db.session.flush()
    return {
        "admin": admin, "board": board, "market": market, "stall": stall, "vendor": vendor,
        "arguments": {
            "market_id": market.id, "stall_id": stall.id, "vendor_id": vendor.id,
            "unit_id": commune.id, "user_id": board.id, "bank_bin": "970436",
            "link_id": link.id, "token_id": token.id, "job_id": job.id, "alert_id": alert.id,
            "notification_id": 1, "partner_id": partner.id, "file_format": "csv", "code": "vi", "token": plain_link,
            "filename": "style.css",
        },
    }


def path_for(app, rule, arguments: dict[str, object], method: str) -> str:
    """The path of ``rule`` with its arguments taken from ``arguments``."""
    values = {name: arguments[name] for name in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=method)
