"""``flask signs print`` writes the PDF and reports the stalls left without a sign."""
from __future__ import annotations

from factories import make_market, make_stall, make_trading_stall

from market.extensions import db
from signs.pdfs import page_texts


def test_cli_writes_the_market_pdf_and_reports_stalls_without_a_sign(cli, tmp_path):
    market = make_market("Chợ Đình Bảng", code="DINHBANG")
    make_trading_stall(market, code="A-02", vendor_name="Ngô Thị Yến",
                       account_number="123456789", number=2)
    make_trading_stall(market, code="A-01", vendor_name="Bùi Văn Tú",
                       account_number="987654321", number=1)
    make_stall(market, code="A-03", number=3)
    db.session.commit()
    output = tmp_path / "signs.pdf"

    result = cli.invoke(args=["signs", "print", "--market", "DINHBANG", "--format", "a6",
                              "--zone", "A", "-o", str(output)])

    assert result.exit_code == 0, result.output
    texts = page_texts(output.read_bytes())
    assert ["A-01" in texts[0], "A-02" in texts[1]] == [True, True]
    assert "2 signs written" in result.output
    assert "A-03" in result.output and "Chưa có hộ kinh doanh" in result.output


def test_cli_rejects_an_unknown_market(cli, tmp_path):
    result = cli.invoke(args=["signs", "print", "--market", "NOPE", "-o", str(tmp_path / "x.pdf")])

    assert result.exit_code != 0
    assert "no market with code" in result.output
