"""Background fetches never re-send the session cookie they did not change (market.auth.cookies)."""
from factories import login, make_market, make_user

from market.models import Role


def test_background_fetches_leave_the_cookie_alone_and_pages_keep_it_alive(client):
    market = make_market("Chợ Mun")
    login(client, make_user(Role.BOARD, markets=[market]))
    for path in ("/static/style.css", "/offline", "/sw.js", "/offline/session"):
        client.get("/offline/session")  # the outbox's CSRF token is in the session already
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "Set-Cookie" not in answer.headers, path
    page = client.get(f"/markets/{market.id}")
    assert page.status_code == 200
    assert "session=" in page.headers.get("Set-Cookie", "")


def test_a_form_s_message_survives_a_background_fetch_that_ends_after_it(client):
    """The service worker's fetch starts with the cookie from before the form and ends after
    the form's answer: the browser keeps the answer's cookie, so the message reaches its page."""
    market = make_market("Chợ Mun")
    login(client, make_user(Role.BOARD, markets=[market]))
    before = client.get_cookie("session").value
    answer = client.post(f"/markets/{market.id}/stalls/new", data={
        "code": "A1-01", "zone": "Khu A", "category": "fish", "status": "operating"})
    assert answer.status_code == 302
    after = client.get_cookie("session").value
    client.set_cookie("session", before)
    late = client.get("/static/style.css")  # sent with the old cookie, answered last
    if "Set-Cookie" not in late.headers:
        client.set_cookie("session", after)  # the browser still holds the form's cookie
    assert "Đã thêm gian hàng A1-01" in client.get(answer.location).get_data(as_text=True)
