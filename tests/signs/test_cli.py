"""``flask signs print`` writes the PDF and reports the stalls left without a sign."""
from __future__ import annotations

from market.extensions import db
from signs import makers
from signs.pdfs import page_texts


def test_cli_writes_the_market_pdf_and_reports_stalls_without_a_sign(cli, tmp_path):
    market = makers.market("Chợ Đình Bảng", code="DINHBANG")
    makers.trading_stall(market, "A-02", "Ngô Thị Yến", "123456789", stall_number=2)
    makers.trading_stall(market, "A-01", "Bùi Văn Tú", "987654321", stall_number=1)
    makers.stall(market, "A-03", number=3)
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
