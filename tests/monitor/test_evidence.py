"""Evidence coming in: inspections with a photographed QR, payment notifications, bank reports,
vendors' own answers."""
from __future__ import annotations

import io
import json
import time

import pytest
from factories import login, make_market, make_user
from sqlalchemy import func, select

from market.extensions import db
from market.models import (
    Alert,
    Inspection,
    PaymentActivity,
    PaymentNotification,
    Role,
    UnmatchedReportRow,
)
from market.models.evidence import AlertKind, NonUseReason, NotificationStatus, QrUse, ScanResult
from market.monitor.errors import EvidenceError
from market.monitor.payments import add_partner, signature
from market.monitor.reports import check_report, import_report
from market.monitor.self_reports import record_self_report
from market.vietqr import encode
from market.vietqr.render import render_png
from monitor.makers import tenant_stall

pytestmark = pytest.mark.usefixtures("app")


def photo_of(bank_bin: str, number: str) -> io.BytesIO:
    return io.BytesIO(render_png(encode(bank_bin, number), size_px=400))


def inspect(client, stall, **fields):
    data = {"sign_displayed": "yes", "qr_use": "daily", **fields}
    return client.post(f"/monitor/stalls/{stall.id}/inspections/new", data=data,
                       content_type="multipart/form-data", follow_redirects=True)


def test_photo_of_the_registered_qr_is_a_match(client):
    market = make_market()
    stall, account = tenant_stall(market)
    login(client, make_user(Role.TEAM, markets=[market]))
    page = inspect(client, stall, photo=(photo_of(account.bank_bin, account.account_number), "qr.png"))
    assert page.status_code == 200
    assert "Khớp với sổ đăng ký" in page.get_data(as_text=True)
    found = db.session.scalar(select(Inspection))
    assert found.scan_result == ScanResult.MATCH and found.bank_account_id == account.id
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 0


def test_photo_of_another_account_raises_a_swapped_sign_alert(client):
    market = make_market()
    stall, _account = tenant_stall(market)
    login(client, make_user(Role.TEAM, markets=[market]))
    page = inspect(client, stall, photo=(photo_of("970422", "0123456789999"), "qr.png"))
    text = page.get_data(as_text=True)
    assert "tài khoản khác với sổ đăng ký" in text
    alert = db.session.scalar(select(Alert))
    assert (alert.kind, alert.market_id, alert.stall_id) == (AlertKind.SWAPPED_SIGN, market.id, stall.id)
    # Stored as a message and its parameters, put into words in the reader's language.
    assert alert.message["params"] == {"number": "0123456789999", "bin": "970422"}
    assert alert.detail == ""
    alerts_page = client.get("/monitor/alerts").get_data(as_text=True)
    assert "Mã QR bị tráo" in alerts_page and stall.code in alerts_page
    assert "Mã quét được trả vào tài khoản 0123456789999 (BIN 970422)" in alerts_page
    client.get("/language/en")
    alerts_page = client.get("/monitor/alerts").get_data(as_text=True)
    assert "The scanned code pays into account 0123456789999 (BIN 970422)" in alerts_page


# Stickers as MoMo and MB Bank print them (tests/vietqr/data/real_payloads.json): a plain
# value in tag 80, an empty purpose 62.08.
MOMO_STICKER = ("00020101021138620010A00000072701320006970454011899MM24011M348750800208QRIBFTTA"
                "53037045802VN62190515MOMOW2W3487508080030466304EBC8")
MB_STICKER = ("00020101021138570010A000000727012700069704220113VQRQADKQM47680208QRIBFTTA"
              "53037045802VN62150107NPS686908006304FAFE")


def test_a_wallet_sticker_as_printed_is_read_and_a_swapped_one_noticed(client):
    market = make_market()
    stall, account = tenant_stall(market)
    account.bank_bin, account.account_number = "970454", "99MM24011M34875080"
    db.session.flush()
    login(client, make_user(Role.TEAM, markets=[market]))
    inspect(client, stall, photo=(io.BytesIO(render_png(MOMO_STICKER, size_px=500)), "qr.png"))
    assert db.session.scalar(select(Inspection.scan_result)) == ScanResult.MATCH
    inspect(client, stall, photo=(io.BytesIO(render_png(MB_STICKER, size_px=500)), "qr.png"))
    alert = db.session.scalar(select(Alert))
    assert alert.kind == AlertKind.SWAPPED_SIGN and alert.message["params"]["number"] == "VQRQADKQM4768"


def test_photo_without_a_qr_is_unreadable(client):
    market = make_market()
    stall, _ = tenant_stall(market)
    login(client, make_user(Role.BOARD, markets=[market]))
    from PIL import Image

    blank = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(blank, "PNG")
    blank.seek(0)
    inspect(client, stall, photo=(blank, "blank.png"))
    assert db.session.scalar(select(Inspection.scan_result)) == ScanResult.UNREADABLE


def test_no_without_a_reason_is_refused_and_kept(client):
    market = make_market()
    stall, _ = tenant_stall(market)
    login(client, make_user(Role.TEAM, markets=[market]))
    page = inspect(client, stall, qr_use="no", note="bà bán rau")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Chọn lý do vì sao chưa dùng QR." in text and "bà bán rau" in text
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0


def test_team_cannot_inspect_other_markets_stalls(client):
    stall, _ = tenant_stall(make_market())
    login(client, make_user(Role.TEAM, markets=[make_market()]))
    assert client.get(f"/monitor/stalls/{stall.id}/inspections/new").status_code == 404


def test_self_report_needs_a_reason_for_no():
    stall, _ = tenant_stall(make_market())
    with pytest.raises(EvidenceError):
        record_self_report(stall, QrUse.NO, None, "")
    report = record_self_report(stall, QrUse.NO, NonUseReason.FEAR_OF_SCAMS, "sợ mất tiền")
    assert report.reason == NonUseReason.FEAR_OF_SCAMS and report.note == "sợ mất tiền"


# --- payment notifications -------------------------------------------------------------

def notify(client, partner, secret, body: dict, *, when: int | None = None, sign_with=None):
    raw = json.dumps(body).encode()
    timestamp = str(when if when is not None else int(time.time()))
    return client.post(
        "/api/v1/webhooks/payments",
        data=raw,
        content_type="application/json",
        headers={"X-Partner": partner.name, "X-Timestamp": timestamp,
                 "X-Signature": signature(sign_with or secret, timestamp, raw)},
    )


def payment(number: str, transaction: str = "TX1", amount: int = 35_000) -> dict:
    return {"transaction_id": transaction, "account_number": number, "amount": amount,
            "paid_at": "2026-11-20T08:15:00+07:00"}


def webhook_setup():
    stall, account = tenant_stall(make_market())
    partner, secret = add_partner("Ngân hàng A")
    db.session.commit()
    return stall, account, partner, secret


def test_bad_signature_is_401_and_records_nothing(client):
    _, account, partner, secret = webhook_setup()
    response = notify(client, partner, secret, payment(account.account_number), sign_with="wrong")
    assert response.status_code == 401
    assert db.session.scalar(select(func.count()).select_from(PaymentNotification)) == 0


def test_stale_timestamp_is_refused_as_a_replay(client):
    _, account, partner, secret = webhook_setup()
    old = int(time.time()) - 3600
    assert notify(client, partner, secret, payment(account.account_number), when=old).status_code == 401


def test_replayed_transaction_is_counted_once(client):
    stall, account, partner, secret = webhook_setup()
    first = notify(client, partner, secret, payment(account.account_number))
    again = notify(client, partner, secret, payment(account.account_number))
    assert first.status_code == again.status_code == 200
    assert (first.json["duplicate"], again.json["duplicate"]) == (False, True)
    notify(client, partner, secret, payment(account.account_number, "TX2", 20_000))
    activity = db.session.scalar(select(PaymentActivity))
    assert (activity.stall_id, activity.payments, activity.amount) == (stall.id, 2, 55_000)
    assert activity.day.isoformat() == "2026-11-20"


def test_unknown_account_is_quarantined_and_an_administrator_assigns_it(client):
    stall, _, partner, secret = webhook_setup()
    response = notify(client, partner, secret, payment("5550001112223"))
    assert response.status_code == 200 and response.json["status"] == "quarantined"
    assert db.session.scalar(select(func.count()).select_from(PaymentActivity)) == 0
    # An account no market ever held belongs to no board: only an administrator sees it.
    login(client, make_user(Role.BOARD, markets=[stall.market]))
    assert "5550001112223" not in client.get("/monitor/quarantine").get_data(as_text=True)
    client.post("/logout")
    login(client, make_user(Role.ADMIN))
    listing = client.get("/monitor/quarantine").get_data(as_text=True)
    assert "5550001112223" in listing and "35.000" in listing
    notification = db.session.scalar(select(PaymentNotification))
    client.post(f"/monitor/quarantine/{notification.id}",
                data={"market_code": stall.market.code, "stall_code": stall.code})
    db.session.expire_all()
    assert notification.status == NotificationStatus.APPLIED and notification.stall_id == stall.id
    assert db.session.scalar(select(PaymentActivity.payments)) == 1


def test_partner_add_command_prints_the_secret_once(cli):
    result = cli.invoke(args=["monitor", "partner", "add", "VietinBank"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    from market.models import PaymentPartner

    assert db.session.scalar(select(PaymentPartner.secret)) == secret


# --- bank CSV reports ----------------------------------------------------------------

def test_report_errors_are_given_by_row_and_nothing_is_written():
    _stall, account = tenant_stall(make_market())
    db.session.commit()
    report = (
        "account_number,date,count,amount\n"
        f"{account.account_number},19/11/2026,4,120000\n"
        "9999999999,19/11/2026,1,10000\n"
        f"{account.account_number},32/11/2026,1,10000\n"
        f"{account.account_number},19/11/2026,2,5000\n"
    )
    check = import_report(report)
    # An account no stall had is not an error of the file (it is set aside); rows that
    # cannot be read are, and then nothing is written.
    assert [line for line, _ in check.errors] == [4, 5]
    assert "32/11/2026" in check.errors[0][1]
    assert "dòng 2" in check.errors[1][1]
    assert db.session.scalar(select(func.count()).select_from(PaymentActivity)) == 0
    assert db.session.scalar(select(func.count()).select_from(UnmatchedReportRow)) == 0


def test_report_import_is_idempotent():
    _stall, account = tenant_stall(make_market())
    report = (
        "account_number,date,count,amount\n"
        f"{account.account_number},2026-11-19,4,120000\n"
        f"{account.account_number},20/11/2026,1,30000\n"
    )
    assert check_report(report).ok
    for _ in range(2):
        assert import_report(report).ok
        db.session.commit()
    rows = db.session.execute(select(PaymentActivity.payments, PaymentActivity.amount)
                              .order_by(PaymentActivity.day)).all()
    assert rows == [(4, 120000), (1, 30000)]


def test_report_page_dry_run_then_import(client):
    _, account = tenant_stall(make_market())
    login(client, make_user(Role.ADMIN))
    content = f"account_number,date,count,amount\n{account.account_number},19/11/2026,3,90000\n"
    dry = client.post("/monitor/activity/import",
                      data={"report": (io.BytesIO(content.encode()), "bao-cao.csv")},
                      content_type="multipart/form-data")
    assert "1 dòng hợp lệ" in dry.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PaymentActivity)) == 0
    client.post("/monitor/activity/import",
                data={"report": (io.BytesIO(content.encode()), "bao-cao.csv"), "confirm": "y"},
                content_type="multipart/form-data")
    assert db.session.scalar(select(PaymentActivity.payments)) == 3
