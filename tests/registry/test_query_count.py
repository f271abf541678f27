"""The stalls table costs the same number of SQL statements for 10 stalls as for 60."""
from contextlib import contextmanager

from factories import login, make_account, make_market, make_stall, make_user, make_vendor
from sqlalchemy import event

from market.extensions import db


@contextmanager
def counted_statements():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def market_with_stalls(n: int):
    market = make_market()
    for i in range(n):
        vendor = make_vendor(f"Hộ {i}")
        make_stall(market, code=f"S-{i:03d}", zone="AB"[i % 2], vendor=vendor)
        make_account(vendor)
    return market


def statements_for_stalls_page(client, n: int) -> int:
    market = market_with_stalls(n)
    user = make_user("board", markets=[market])
    login(client, user)
    client.get(f"/markets/{market.id}")  # warm caches (bank names, templates)
    with counted_statements() as statements:
        response = client.get(f"/markets/{market.id}")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('href="/stalls/') == min(n, 50)
    return len(statements)


def test_stalls_page_statements_do_not_grow_with_the_number_of_stalls(app):
    # Nothing kept between requests: every view builds the table and asks the ladder.
    app.config["REGISTRY_STEP_CACHE_SECONDS"] = 0
    try:
        small = statements_for_stalls_page(app.test_client(), 10)
        large = statements_for_stalls_page(app.test_client(), 60)
    finally:
        app.config.pop("REGISTRY_STEP_CACHE_SECONDS")
    assert small == large
