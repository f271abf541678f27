"""The offline page is fetched by the service worker in the background, at any moment."""
from factories import login, make_market, make_user

from market.models import Role


def test_the_offline_page_leaves_the_next_page_its_messages(client):
    """A form's message waits for the page the form leads to, even when the service worker
    fetches the offline page (or the worker script, which renders it) in between."""
    market = make_market("Chợ Mun")
    login(client, make_user(Role.BOARD, markets=[market]))
    answer = client.post(f"/markets/{market.id}/stalls/new", data={
        "code": "A1-01", "zone": "Khu A", "category": "fish", "status": "operating"})
    assert answer.status_code == 302
    assert client.get("/offline").status_code == 200
    assert client.get("/sw.js").status_code == 200
    page = client.get(answer.location).get_data(as_text=True)
    assert "Đã thêm gian hàng A1-01" in page
