"""With CSRF protection on (as in production), a form posted without its token changes nothing."""
import re

from factories import PASSWORD, make_market, make_stall, make_user, make_vendor
from sqlalchemy import select

from market import create_app
from market.extensions import db
from market.models import BankAccount


def test_account_form_without_its_csrf_token_is_refused(app):
    protected = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})
    market = make_market()
    stall = make_stall(market, vendor=make_vendor())
    user = make_user("board", markets=[market])
    db.session.commit()
    client = protected.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    signed_in = client.post("/login", data={"csrf_token": token, "username": user.username,
                                            "password": PASSWORD})
    assert signed_in.status_code == 302
    data = {"bank_bin": "970415", "account_number": "123456789",
            "account_number_again": "123456789", "holder_name": "LAN",
            "kind": "account"}
    refused = client.post(f"/stalls/{stall.id}/account", data=data)
    assert refused.status_code == 400
    assert db.session.scalar(select(BankAccount)) is None
    page = client.get(f"/stalls/{stall.id}/account").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post(f"/stalls/{stall.id}/account", data={**data, "csrf_token": token})
    assert accepted.status_code == 302
    assert db.session.scalar(select(BankAccount.account_number)) == "123456789"
