"""Alerts opened before details were stored as codes read in the reader's language after the
migration; going back writes the words again."""
from __future__ import annotations

from factories import make_market
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from market.extensions import db
from market.models import Alert
from market.models.evidence import AlertKind, ScanResult
from market.monitor.alerts import open_swapped_sign_alert
from monitor.makers import TODAY, inspection, tenant_stall


def test_swapped_sign_details_move_to_codes_and_back(app):
    market = make_market()
    stall, account = tenant_stall(market)
    seen = inspection(stall, TODAY, account=account, scan=ScanResult.DIFFERENT_ACCOUNT)
    seen.scanned_account, seen.scanned_bin = "0123456789999", "970422"
    alert = open_swapped_sign_alert(seen, market.id)
    db.session.add(Alert(kind=AlertKind.NO_INSPECTION, market_id=market.id, detail="Ghi chú cũ"))
    db.session.commit()
    alert_id = alert.id
    db.session.remove()
    try:
        downgrade(revision="0009")
        with db.engine.begin() as connection:
            words = connection.scalar(text("SELECT detail FROM alert WHERE id = :id"), {"id": alert_id})
            assert words == ("Mã quét được trả vào tài khoản 0123456789999 (BIN 970422), "
                             "không phải tài khoản đã đăng ký.")
            # As the demo wrote them before: words only.
            connection.execute(text("UPDATE alert SET detail = 'Mã quét được trả vào tài khoản 1.' "
                                    "WHERE id = :id"), {"id": alert_id})
    finally:
        upgrade()
    found = {a.kind: a for a in db.session.scalars(select(Alert))}
    swapped = found[AlertKind.SWAPPED_SIGN]
    assert swapped.detail == ""
    assert swapped.message["params"] == {"number": "0123456789999", "bin": "970422"}
    assert found[AlertKind.NO_INSPECTION].message is None
    assert found[AlertKind.NO_INSPECTION].detail == "Ghi chú cũ"
