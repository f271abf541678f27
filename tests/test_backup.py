"""A backup taken, the data changed, the backup restored: the data is back."""
from sqlalchemy import select

from market.extensions import db
from market.models import AdminUnit, Market, UnitLevel


def add_market(code: str) -> None:
    commune = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "00460"))
    if commune is None:
        commune = AdminUnit(code="00460", name="Xã Kim Chung", level=UnitLevel.COMMUNE)
    db.session.add(Market(code=code, name=f"Chợ {code}", market_class=2, commune=commune))
    db.session.commit()


def market_codes() -> list[str]:
    return sorted(db.session.scalars(select(Market.code)))


def test_backup_and_restore_round_trip(cli, tmp_path):
    add_market("MUN")
    target = tmp_path / "market.backup"

    result = cli.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    add_market("LATER")
    assert market_codes() == ["LATER", "MUN"]

    result = cli.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert market_codes() == ["MUN"]


def test_restore_of_a_missing_file_is_a_clear_error(cli, tmp_path):
    result = cli.invoke(args=["restore", "--yes", str(tmp_path / "nothing")])
    assert result.exit_code != 0
    assert "no backup file" in result.output
