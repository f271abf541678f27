"""Personal data by role: the commune sees figures and names, not phones, birth years or full
account numbers; the board that deals with the vendor sees them."""
from factories import login, make_user

from security.world import build_world

PERSONAL = ("0912345678", "1960")


def pages(world):
    return (f"/stalls/{world['stall'].id}", f"/markets/{world['market'].id}",
            "/search?q=A01", "/registry/export.csv")


def account_number(world) -> str:
    return world["vendor"].accounts[-1].account_number


def test_the_commune_sees_no_phone_birth_year_or_full_account_number(client):
    world = build_world()
    login(client, make_user("commune", unit=world["market"].commune))
    for path in pages(world):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert not [value for value in (*PERSONAL, account_number(world)) if value in body], path


def test_the_board_sees_what_it_needs_to_deal_with_the_vendor(client):
    world = build_world()
    login(client, world["board"])
    page = client.get(f"/stalls/{world['stall'].id}").get_data(as_text=True)
    assert all(value in page for value in (*PERSONAL, account_number(world)))
    export = client.get("/registry/export.csv").get_data(as_text=True)
    assert all(value in export for value in (*PERSONAL, account_number(world)))


def test_security_headers_on_pages_files_and_api_answers(client):
    world = build_world()
    login(client, world["admin"])
    for path in ("/markets", f"/stalls/{world['stall'].id}/sign.pdf", "/api/v1/markets",
                 "/registry/export.csv", "/static/style.css"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert "default-src 'self'" in headers["Content-Security-Policy"], path
        assert headers["X-Frame-Options"] == "DENY", path
        assert "Strict-Transport-Security" not in headers  # only behind HTTPS
