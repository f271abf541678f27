"""A PDF that cannot be written (full disk, missing folder) gives a clear error, not a traceback."""
from __future__ import annotations

from factories import make_market, make_trading_stall
from sqlalchemy import func, select

from market.extensions import db
from market.models import Sign


def test_signs_print_into_an_unwritable_place_fails_cleanly_and_records_no_sign(cli, tmp_path):
    market = make_market("Chợ Đình Bảng", code="DINHBANG")
    make_trading_stall(market, code="A-01", vendor_name="Bùi Văn Tú",
                       account_number="987654321", number=1)
    db.session.commit()
    output = tmp_path / "no-such-folder" / "signs.pdf"

    result = cli.invoke(args=["signs", "print", "--market", "DINHBANG", "-o", str(output)])

    assert result.exit_code == 1
    assert f"Error: cannot write {output}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not output.exists()
    assert db.session.scalar(select(func.count()).select_from(Sign)) == 0
