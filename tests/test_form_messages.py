"""The form library's own validator messages follow the page's language."""

from factories import login, make_stall, make_user, make_vendor

from market.models import Role


def test_a_missing_field_is_explained_in_vietnamese_by_default(client):
    page = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "Vui lòng điền mục này." in page
    assert "This field is required." not in page


def test_the_same_message_is_english_when_english_is_chosen(client):
    client.get("/language/en")
    page = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "This field is required." in page
    assert "Vui lòng điền mục này." not in page


def test_the_choices_of_a_form_follow_the_language_too(client):
    stall = make_stall(vendor=make_vendor())
    login(client, make_user(Role.TEAM, markets=[stall.market]))
    vietnamese = client.get(f"/monitor/stalls/{stall.id}/inspections/new").get_data(as_text=True)
    assert "Hằng ngày" in vietnamese
    client.get("/language/en")
    english = client.get(f"/monitor/stalls/{stall.id}/inspections/new").get_data(as_text=True)
    assert "Daily" in english and "Hằng ngày" not in english
