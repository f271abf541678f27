"""The form library's own validator messages follow the page's language."""


def test_a_missing_field_is_explained_in_vietnamese_by_default(client):
    page = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "Vui lòng điền mục này." in page
    assert "This field is required." not in page


def test_the_same_message_is_english_when_english_is_chosen(client):
    client.get("/language/en")
    page = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "This field is required." in page
    assert "Vui lòng điền mục này." not in page
