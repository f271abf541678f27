"""Reading: filters like the pages, keyset pages, ETags, snapshots, the ladder, open data."""
from __future__ import annotations

import contextvars
from datetime import UTC, date, datetime, timedelta

import pytest
from factories import make_account, make_commune, make_market, make_stall, make_user, make_vendor
from flask.testing import FlaskClient
from sqlalchemy import text

from api.helpers import bearer
from market import create_app
from market.extensions import db
from market.models import AdoptionSnapshot, GoodsCategory, JobRun, Role, StallStatus
from market.models.adoption import JobKind, RunStatus
from market.monitor.clock import local_today


def test_stalls_filter_by_zone_category_status_and_search(client):
    market = make_market()
    make_stall(market, code="A1", zone="A", category=GoodsCategory.FISH)
    make_stall(market, code="A2", zone="A", category=GoodsCategory.MEAT)
    make_stall(market, code="B1", zone="B", category=GoodsCategory.FISH,
               status=StallStatus.VACANT)
    lan = make_stall(market, code="C7", zone="C")
    make_vendor("Nguyễn Thị Lan", stall=lan)
    headers = bearer(make_user(Role.BOARD, markets=[market]))

    def codes(query: str) -> list[str]:
        response = client.get(f"/api/v1/stalls?{query}", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [s["code"] for s in response.get_json()["items"]]

    assert codes("zone=A") == ["A1", "A2"]
    assert codes("category=fish") == ["A1", "B1"]
    assert codes("status=vacant") == ["B1"]
    assert codes("q=lan") == ["C7"]
    assert codes(f"market_id={market.id}&zone=A&category=meat") == ["A2"]


def test_an_unknown_category_is_a_validation_problem(client):
    headers = bearer(make_user(Role.ADMIN))
    response = client.get("/api/v1/stalls?category=cars", headers=headers)
    assert response.status_code == 422
    assert response.get_json()["field"] == "category"
    assert response.get_json()["message"] == "Giá trị không hợp lệ."


def test_pagination_loses_and_repeats_nothing_while_rows_are_inserted(client):
    market = make_market()
    for number in range(7):
        make_stall(market, code=f"S{number}")
    headers = bearer(make_user(Role.BOARD, markets=[market]))
    seen, cursor, pages = [], None, 0
    while True:
        query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/api/v1/stalls?{query}", headers=headers).get_json()
        seen += [s["code"] for s in page["items"]]
        pages += 1
        make_stall(market, code=f"NEW{pages}")  # arrives between two pages
        db.session.commit()
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert set(seen) >= {f"S{n}" for n in range(7)}
    assert seen[:7] == [f"S{n}" for n in range(7)]


def test_a_forged_cursor_is_refused(client):
    headers = bearer(make_user(Role.ADMIN))
    response = client.get("/api/v1/stalls?cursor=not-a-cursor", headers=headers)
    assert response.status_code == 422 and response.get_json()["field"] == "cursor"


def test_reads_carry_an_etag_and_answer_304_when_unchanged(client):
    market = make_market("Chợ Dốc Vân")
    headers = bearer(make_user(Role.BOARD, markets=[market]))
    first = client.get(f"/api/v1/markets/{market.id}", headers=headers)
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/markets/{market.id}",
                       headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    market.name = "Chợ Dốc Vân mới"
    db.session.commit()
    changed = client.get(f"/api/v1/markets/{market.id}", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["name"] == "Chợ Dốc Vân mới"


def snapshot(**values) -> AdoptionSnapshot:
    row = AdoptionSnapshot(**values)
    db.session.add(row)
    db.session.flush()
    return row


def test_market_snapshots_over_a_date_range(client):
    market = make_market()
    for day in (date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)):
        snapshot(day=day, market_id=market.id, operating=10, reached_active=day.day)
    headers = bearer(make_user(Role.BOARD, markets=[market]))
    response = client.get(f"/api/v1/markets/{market.id}/snapshots?from=2026-11-01&to=2026-11-30",
                          headers=headers)
    body = response.get_json()
    assert [item["day"] for item in body["items"]] == ["2026-11-01", "2026-11-02"]
    assert body["items"][1]["reached_active"] == 2
    backwards = client.get(f"/api/v1/markets/{market.id}/snapshots?from=2026-11-30&to=2026-11-01",
                           headers=headers)
    assert backwards.status_code == 422 and backwards.get_json()["field"] == "from"


def test_commune_snapshots(client):
    commune = make_commune("Xã Đông Anh")
    make_market(commune=commune)
    snapshot(day=date(2026, 11, 5), commune_id=commune.id, operating=40, reached_registered=30)
    headers = bearer(make_user(Role.COMMUNE, unit=commune))
    body = client.get(f"/api/v1/units/{commune.id}/snapshots?from=2026-11-01&to=2026-11-30",
                      headers=headers).get_json()
    assert body["scope"] == "commune" and body["items"][0]["reached_registered"] == 30


def test_the_ladder_of_a_stall(client):
    market = make_market()
    stall = make_stall(market)
    account = make_account(make_vendor(stall=stall))
    account.created_at = datetime(2026, 1, 2, tzinfo=UTC)
    vacant = make_stall(market, status=StallStatus.VACANT)
    headers = bearer(make_user(Role.TEAM, markets=[market]))
    body = client.get(f"/api/v1/stalls/{stall.id}/ladder?as_of=2026-11-20", headers=headers)
    assert body.get_json() == {"stall_id": stall.id, "as_of": "2026-11-20", "step": "registered"}
    outside = client.get(f"/api/v1/stalls/{vacant.id}/ladder", headers=headers).get_json()
    assert outside["step"] is None


def test_open_data_coverage_csv_needs_no_token_and_names_nobody(client):
    commune = make_commune("Xã Đông Anh", code="27001")
    market = make_market(commune=commune)
    make_market(commune=commune)  # opened later: no row on the day, not counted then
    vendor = make_vendor("Nguyễn Thị Lan", phone="0912345678")
    make_account(vendor, account_number="0011223344")
    snapshot(day=date(2026, 11, 10), commune_id=commune.id, operating=10, reached_registered=5,
             reached_displayed=4, reached_active=2)
    for scope in ({"commune_id": commune.id}, {"market_id": market.id}):
        snapshot(day=date(2026, 11, 28), operating=10, reached_registered=8,
                 reached_displayed=6, reached_active=3, **scope)
    db.session.commit()
    response = client.get("/api/v1/open-data/coverage.csv?month=2026-11")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("month,as_of,commune_code,commune_name")
    assert lines[1] == "2026-11,2026-11-28,27001,Xã Đông Anh,,1,10,8,6,3,80.0,60.0,30.0"
    text = response.get_data(as_text=True)
    assert "Lan" not in text and "0912345678" not in text and "0011223344" not in text


def test_a_month_in_another_shape_is_refused_in_english_when_asked(client):
    response = client.get("/api/v1/open-data/coverage.csv?month=11-2026",
                          headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.get_json()["field"] == "month"


def test_signs_of_a_stall(client):
    from market.models import Sign
    from market.models.signs import SignFormat

    market = make_market()
    stall = make_stall(market)
    account = make_account(make_vendor(stall=stall))
    db.session.add(Sign(stall_id=stall.id, bank_account_id=account.id, format=SignFormat.A6,
                        code="QR7K2M"))
    headers = bearer(make_user(Role.BOARD, markets=[market]))
    body = client.get(f"/api/v1/stalls/{stall.id}/signs", headers=headers).get_json()
    assert [(s["code"], s["format"]) for s in body["items"]] == [("QR7K2M", "a6")]



def test_repeated_reads_run_as_prepared_statements_on_postgresql(app):
    """A read ends with COMMIT, not the pool's ROLLBACK, after which psycopg would forget its
    prepared statements and PostgreSQL would plan every statement of every call again."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are the PostgreSQL driver's")
    market = make_market()
    make_stall(market, code="A1")
    path = f"/api/v1/stalls?market_id={market.id}"
    headers = bearer(make_user(Role.BOARD, markets=[market]))
    db.session.commit()
    # A server of one connection, so the reads and the look-up below share it (prepared
    # statements belong to a connection; a larger pool may hand each call another one).
    one = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "API_RATE_LIMIT": 0,
                      "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0}})
    client = FlaskClient(one, one.response_class)

    def read():
        return client.get(path, headers=headers)

    # Each call in a context of its own, as under the web server: its database session ends
    # with it and gives the connection back to the pool. psycopg prepares a statement from
    # its sixth run on a connection.
    for _ in range(12):
        assert contextvars.Context().run(read).status_code == 200

    def prepared_statements():
        with one.app_context():
            statements = list(db.session.scalars(
                text("SELECT statement FROM pg_prepared_statements")))
            db.session.rollback()
            db.engine.dispose()
            return statements
    prepared = contextvars.Context().run(prepared_statements)
    assert any("FROM stall" in statement and "tenancy" in statement for statement in prepared)


def test_a_series_marks_the_days_not_yet_closed_as_provisional(client):
    market = make_market()
    today = local_today()
    days = [today - timedelta(days=n) for n in (3, 2, 1, 0)]
    for day in days:
        snapshot(day=day, market_id=market.id, operating=10)
    db.session.add(JobRun(job=JobKind.CLOSE, day=days[1], trigger="test", status=RunStatus.SUCCEEDED,
                          started_at=datetime.now(UTC)))
    db.session.flush()
    headers = bearer(make_user(Role.BOARD, markets=[market]))
    body = client.get(f"/api/v1/markets/{market.id}/snapshots?from={days[0]}&to={today}",
                      headers=headers).get_json()
    # Three days ago and the closed day are final; yesterday waits for the night run.
    assert [(item["day"], item["provisional"]) for item in body["items"]] == [
        (days[0].isoformat(), False), (days[1].isoformat(), False),
        (days[2].isoformat(), True), (today.isoformat(), True)]
