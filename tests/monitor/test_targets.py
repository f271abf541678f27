"""Commune users (and administrators) set targets for their markets and communes."""
from factories import login, make_commune, make_market, make_user
from sqlalchemy import select

from market.extensions import db
from market.models import AdoptionTarget, AuditEvent, Market, Role
from market.monitor.targets import targets_for


def test_commune_user_sets_a_market_target_and_the_market_is_measured_against_it(client):
    commune = make_commune("Xã Kim Chung")
    market = make_market("Chợ Mun", commune=commune)
    login(client, make_user(Role.COMMUNE, unit=commune))

    page = client.get(f"/monitor/targets/markets/{market.id}")
    assert page.status_code == 200
    assert "Nếu để trống: 90" in page.get_data(as_text=True)  # the default displayed target

    response = client.post(f"/monitor/targets/markets/{market.id}",
                           data={"displayed_pct": "80", "active_pct": "60"})
    assert response.status_code == 302
    targets = targets_for(db.session.get(Market, market.id))
    assert (targets.registered_pct, targets.displayed_pct, targets.active_pct) == (100, 80, 60)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "adoption_target"))
    assert event.new["displayed_pct"] == 80 and event.old["displayed_pct"] is None


def test_a_commune_target_applies_to_its_markets_unless_they_have_their_own(client):
    commune = make_commune("Xã Thư Lâm")
    market = make_market("Chợ Thư Lâm", commune=commune)
    login(client, make_user(Role.ADMIN))
    assert client.post(f"/monitor/targets/units/{commune.id}",
                       data={"registered_pct": "95"}).status_code == 302
    assert targets_for(db.session.get(Market, market.id)).registered_pct == 95
    page = client.get(f"/monitor/targets/markets/{market.id}").get_data(as_text=True)
    assert "Nếu để trống: 95" in page


def test_out_of_range_target_is_refused_beside_the_field_and_nothing_is_stored(client):
    commune = make_commune()
    market = make_market(commune=commune)
    login(client, make_user(Role.COMMUNE, unit=commune))
    response = client.post(f"/monitor/targets/markets/{market.id}", data={"active_pct": "140"})
    assert response.status_code == 400
    assert "field-error" in response.get_data(as_text=True)
    assert db.session.scalar(select(AdoptionTarget)) is None


def test_targets_outside_the_users_area_or_role_are_not_found(client):
    mine, other = make_commune("Xã A"), make_commune("Xã B")
    other_market = make_market(commune=other)
    login(client, make_user(Role.COMMUNE, unit=mine))
    assert client.get(f"/monitor/targets/markets/{other_market.id}").status_code == 404
    assert client.get(f"/monitor/targets/units/{other.id}").status_code == 404


def test_board_users_cannot_set_targets(client):
    commune = make_commune()
    market = make_market(commune=commune)
    login(client, make_user(Role.BOARD, markets=[market]))
    assert client.get(f"/monitor/targets/markets/{market.id}").status_code == 403
