"""Records from the team's phones: the observed time within bounds, the author, resends."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from factories import login, make_market, make_stall, make_user, make_vendor
from sqlalchemy import func, select

from market.extensions import db
from market.models import Inspection, Role, Visit

pytestmark = pytest.mark.usefixtures("app")

UUID = "3f2d6c1a-9b8e-4f70-a1d2-6e5c4b3a2f10"
OUTBOX = {"Accept": "application/json"}
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def stamp(moment: datetime) -> str:
    """The phone's format: ``Date.prototype.toISOString``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.fixture
def team_at_stall(client):
    market = make_market()
    stall = make_stall(market, code="A-07")
    make_vendor(stall=stall)
    team = make_user(Role.TEAM, markets=[market])
    login(client, team)
    return team, stall


def inspect(client, stall, **fields):
    form = {"sign_displayed": "yes", "qr_use": "daily", "client_uuid": UUID} | fields
    return client.post(f"/monitor/stalls/{stall.id}/inspections/new", data=form, headers=OUTBOX)


def visit(client, stall, **fields):
    form = {"outcome": "needs_another", "client_uuid": UUID} | fields
    return client.post(f"/dashboard/stalls/{stall.id}/visit", data=form, headers=OUTBOX)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_inspection_keeps_the_time_it_was_made_and_the_time_it_arrived(client, team_at_stall):
    team, stall = team_at_stall
    made = datetime.now(UTC) - timedelta(hours=3)
    response = inspect(client, stall, observed_at=stamp(made), author_id=str(team.id))
    assert response.status_code == 201 and response.json["status"] == "stored"
    stored = db.session.scalar(select(Inspection))
    assert abs(stored.inspected_at - made) < timedelta(milliseconds=2)
    assert stored.inspected_on == made.astimezone(HANOI).date()
    assert datetime.now(UTC) - stored.received_at < timedelta(minutes=1)
    assert stored.inspector_id == team.id


def test_a_record_sent_the_next_morning_lands_on_the_day_it_was_made(client, team_at_stall):
    _, stall = team_at_stall
    yesterday_evening = datetime.now(HANOI).replace(hour=21, minute=30) - timedelta(days=1)
    assert visit(client, stall, observed_at=stamp(yesterday_evening)).status_code == 201
    stored = db.session.scalar(select(Visit))
    assert stored.visited_on == yesterday_evening.date()
    assert stored.received_at.astimezone(HANOI).date() == datetime.now(HANOI).date()


@pytest.mark.parametrize("send", [inspect, visit])
def test_a_time_in_the_future_beyond_the_skew_is_refused(client, team_at_stall, send):
    _, stall = team_at_stall
    response = send(client, stall, observed_at=stamp(datetime.now(UTC) + timedelta(minutes=20)))
    assert response.status_code == 400 and response.json["status"] == "refused"
    assert [e["field"] for e in response.json["errors"]] == ["observed_at"]
    assert "tương lai" in response.json["errors"][0]["message"]
    assert count(Inspection) + count(Visit) == 0


@pytest.mark.parametrize("send", [inspect, visit])
def test_a_time_a_little_ahead_is_within_the_skew(client, team_at_stall, send):
    _, stall = team_at_stall
    assert send(client, stall, observed_at=stamp(datetime.now(UTC) + timedelta(minutes=2))).status_code == 201


@pytest.mark.parametrize("send", [inspect, visit])
def test_a_record_older_than_the_queue_may_hold_is_refused(client, app, team_at_stall, send):
    _, stall = team_at_stall
    days = app.config.get("OFFLINE_QUEUE_DAYS", 14)
    kept = send(client, stall, observed_at=stamp(datetime.now(UTC) - timedelta(days=days - 1)))
    assert kept.status_code == 201
    too_old = send(client, stall, observed_at=stamp(datetime.now(UTC) - timedelta(days=days, hours=1)),
                   client_uuid="7c9e6679-7425-40de-944b-e07fc1f90ae7")
    assert too_old.status_code == 400 and "cũ hơn" in too_old.json["errors"][0]["message"]
    assert count(Inspection) + count(Visit) == 1


@pytest.mark.parametrize("observed", ["hôm qua", "2026-12-02T10:11:29", "2026-13-40T10:11:29Z"])
def test_an_unreadable_or_zoneless_time_is_refused(client, team_at_stall, observed):
    _, stall = team_at_stall
    response = inspect(client, stall, observed_at=observed)
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "observed_at"
    assert count(Inspection) == 0


def test_a_phone_whose_clock_is_an_hour_fast_still_gives_the_true_time(client, team_at_stall):
    _, stall = team_at_stall
    now = datetime.now(UTC)
    phone_error = timedelta(hours=1)
    made = now - timedelta(minutes=40)
    response = inspect(client, stall, observed_at=stamp(made + phone_error), sent_at=stamp(now + phone_error))
    assert response.status_code == 201
    assert abs(db.session.scalar(select(Inspection.inspected_at)) - made) < timedelta(seconds=5)


def test_a_record_made_after_it_was_sent_is_refused(client, team_at_stall):
    _, stall = team_at_stall
    now = datetime.now(UTC)
    response = visit(client, stall, observed_at=stamp(now + timedelta(hours=1)), sent_at=stamp(now))
    assert response.status_code == 400 and count(Visit) == 0


@pytest.mark.parametrize("send", [inspect, visit])
def test_a_resend_is_answered_already_stored(client, team_at_stall, send):
    _, stall = team_at_stall
    made = stamp(datetime.now(UTC) - timedelta(minutes=5))
    first, second = send(client, stall, observed_at=made), send(client, stall, observed_at=made)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json["status"] == "already_stored"
    assert count(Inspection) + count(Visit) == 1


@pytest.mark.parametrize("send", [inspect, visit])
def test_a_record_of_another_author_is_refused_and_not_stored(client, team_at_stall, send):
    team, stall = team_at_stall
    colleague = make_user(Role.TEAM, markets=[stall.market])
    response = send(client, stall, author_id=str(colleague.id))
    assert response.status_code == 409 and response.json["status"] == "wrong_author"
    assert count(Inspection) + count(Visit) == 0
    assert send(client, stall, author_id=str(team.id)).status_code == 201


def test_a_reason_picked_then_hidden_by_a_yes_does_not_refuse_the_answer(client, team_at_stall):
    _, stall = team_at_stall
    response = inspect(client, stall, qr_use="daily", reason="no_smartphone", reason_text="máy hỏng")
    assert response.status_code == 201
    stored = db.session.scalar(select(Inspection))
    assert stored.reason is None and stored.reason_text == ""


def test_a_refusal_names_the_field_and_the_same_message_the_form_shows(client, team_at_stall):
    _, stall = team_at_stall
    response = inspect(client, stall, qr_use="no", note="chỉ ghi chú")
    assert response.status_code == 400
    assert response.json["errors"] == [
        {"field": "reason", "label": "Nếu không, vì sao?", "message": "Chọn lý do vì sao chưa dùng QR."}
    ]
    page = client.get(f"/monitor/stalls/{stall.id}/inspections/new").get_data(as_text=True)
    assert "Chọn lý do vì sao chưa dùng QR." in page  # the phone checks with the same words
    assert count(Inspection) == 0
