"""Records sent twice (a lost answer, the offline queue) are stored once."""
from __future__ import annotations

import pytest
from factories import login, make_market, make_stall, make_user, make_vendor
from sqlalchemy import func, select

from market.dashboard.visits import assign_stall
from market.extensions import db
from market.models import Inspection, Role, Visit, VisitAssignment

pytestmark = pytest.mark.usefixtures("app")

UUID = "3f2d6c1a-9b8e-4f70-a1d2-6e5c4b3a2f10"


def test_a_visit_sent_twice_with_the_same_uuid_is_stored_once(client):
    market = make_market()
    stall = make_stall(market, code="A-01")
    make_vendor(stall=stall)
    team = make_user(Role.TEAM, markets=[market])
    assign_stall(stall, team, team, None)
    login(client, team)
    form = {"outcome": "needs_another", "next_visit_on": "2026-12-05", "note": "Hẹn mở tài khoản",
            "client_uuid": UUID}
    first = client.post(f"/dashboard/stalls/{stall.id}/visit", data=form)
    second = client.post(f"/dashboard/stalls/{stall.id}/visit", data=form)
    assert first.status_code == second.status_code == 302
    visits = db.session.scalars(select(Visit)).all()
    assert len(visits) == 1
    assert visits[0].next_visit_on.isoformat() == "2026-12-05" and visits[0].note == "Hẹn mở tài khoản"
    assert db.session.scalar(select(VisitAssignment.closed_at)) is not None
    page = client.get(f"/dashboard/stalls/{stall.id}/visit", follow_redirects=True).get_data(as_text=True)
    assert "Cần quay lại" in page


def test_a_visit_without_uuid_or_outcome_is_refused(client):
    market = make_market()
    stall = make_stall(market)
    team = make_user(Role.TEAM, markets=[market])
    login(client, team)
    response = client.post(f"/dashboard/stalls/{stall.id}/visit", data={"outcome": "helped"})
    assert response.status_code == 400
    response = client.post(f"/dashboard/stalls/{stall.id}/visit", data={"client_uuid": UUID})
    assert response.status_code == 400
    assert "Chọn kết quả" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 0


def test_an_inspection_sent_twice_with_the_same_uuid_is_stored_once(client):
    market = make_market()
    stall = make_stall(market)
    make_vendor(stall=stall)
    team = make_user(Role.TEAM, markets=[market])
    login(client, team)
    form = {"sign_displayed": "no", "qr_use": "no", "reason": "forgot_how", "client_uuid": UUID}
    for _ in range(2):
        assert client.post(f"/monitor/stalls/{stall.id}/inspections/new", data=form).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 1
    assert db.session.scalar(select(Inspection.client_uuid)) == UUID


def test_service_worker_is_served_from_the_root():
    from flask import current_app

    response = current_app.test_client().get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
