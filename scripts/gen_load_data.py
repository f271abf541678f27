#!/usr/bin/env python
"""Fill a migrated database with a large synthetic registry, for benchmarks.

    .venv/bin/python scripts/gen_load_data.py [--markets 10000] [--stalls-per-market 200]
        [--seed 1] [--database-url URL] [--replace]

Default: 34 provinces, 3,321 communes, 10,000 markets × 200 stalls; every operating stall has
a vendor and an open tenancy, and most vendors a bank account. Rows are built as plain tuples
with ids chosen here and written in large batches: ``COPY`` on PostgreSQL, Core ``insert()``
executemany on SQLite, all in one transaction. The database must already be migrated.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    create_engine,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import market.database  # noqa: F401  (the app's SQLite pragmas: foreign keys on, WAL)
from market.config import normalise_database_url
from market.demo.names import SHOP_WORDS, address_form, bank_account, person
from market.models import GoodsCategory as G
from market.vietqr import all_banks, holder_name

COLUMNS = {
    "admin_unit": ("id", "code", "name", "level", "parent_id", "active"),
    "market": ("id", "code", "name", "market_class", "address", "commune_id", "created_at",
               "opened_on"),
    "stall": ("id", "market_id", "code", "zone", "row", "number", "category", "status", "created_at",
              "opened_on"),
    "vendor": ("id", "name", "shop_name", "phone", "birth_year", "consent_on", "created_at"),
    "tenancy": ("id", "stall_id", "vendor_id", "start_on"),
    "bank_account": ("id", "vendor_id", "version", "bank_bin", "account_number", "holder_name",
                     "kind", "source", "created_at"),
    # Each account is its stall's first payee, so the load data's signs can be printed.
    "payee": ("id", "stall_id", "tenancy_id", "bank_account_id", "first", "made_at"),
}
REGISTRY = tuple(COLUMNS)
PROVINCES = (
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ",
    "Bắc Ninh", "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi",
    "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh",
    "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
)
CITIES = {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
COMMUNES = 3321
PLACE_WORDS = ("An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Hưng", "Long", "Phúc", "Thịnh", "Đông",
               "Tây", "Nam", "Bắc", "Trung", "Vĩnh", "Xuân", "Thanh", "Minh", "Đức", "Quang", "Kim")
# Goods by zone, in floor-plan order; a market has 40 stalls per zone in rows of 10.
ZONE_GOODS = ((G.VEGETABLES, G.FRUIT), (G.MEAT, G.FISH, G.POULTRY), (G.DRY_GOODS, G.GROCERY, G.RICE),
              (G.CLOTHING, G.FOOTWEAR, G.HOUSEHOLD), (G.COOKED_FOOD, G.DRINKS, G.SERVICES, G.FLOWERS))
PER_ZONE, PER_ROW = 40, 10
CONSENT_DAYS = [(date(2025, 7, 1) + timedelta(days=n)).isoformat() for n in range(500)]
START_DAYS = [(date(2005, 1, 1) + timedelta(days=n)).isoformat() for n in range(7300)]
ENTERED_DAYS_AGO = 400
OPENED_ON = "2005-01-01"  # markets and stalls trade from before the first tenancy
PEOPLE = 20_000  # distinct people drawn once, then picked per vendor
MARKETS_PER_BATCH = 100
SQLITE_CACHE_KIB = 1024 * 1024


class RegistryNotEmpty(Exception):
    """The database already holds registry rows and ``replace`` was not asked for."""


@dataclass
class TableStats:
    rows: int = 0
    seconds: float = 0.0


@dataclass
class Report:
    """Rows and seconds spent writing per table, and seconds per other phase of the load."""

    tables: dict[str, TableStats] = field(default_factory=lambda: defaultdict(TableStats))
    phases: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.phases[phase] += time.perf_counter() - started

    def lines(self, seconds: float) -> Iterator[str]:
        for name, table in self.tables.items():
            rate = table.rows / table.seconds if table.seconds else 0
            yield f"{name:<14} {table.rows:>11,} rows {table.seconds:8.1f} s writing {rate:>11,.0f} rows/s"
        for phase, spent in self.phases.items():
            yield f"{phase:<37} {spent:8.1f} s"
        rows = sum(table.rows for table in self.tables.values())
        yield f"{'total':<14} {rows:>11,} rows {seconds:8.1f} s in all   {rows / seconds:>11,.0f} rows/s"
        # On a shared machine the wall clock says little; this process's CPU time says more.
        yield f"{'CPU time of this process':<37} {time.process_time():8.1f} s"


@dataclass
class Batch:
    """One batch of markets: rows per table, in the order they must be written."""

    rows: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    # (stall id, status, vendor id or None) for every stall, for later generators.
    stalls: list[tuple[int, str, int | None]] = field(default_factory=list)


@dataclass
class Load:
    """The state of a run: sizes, the random source, the next free ids, drawn pools."""

    rng: random.Random
    markets: int
    stalls_per_market: int
    stamp: str
    next_id: dict[str, int] = field(default_factory=dict)
    communes: list[tuple[int, str]] = field(default_factory=list)  # id, place name
    people: list[tuple] = field(default_factory=list)
    floor_plan: list[tuple] = field(default_factory=list)

    def ids(self, table: str, count: int = 1) -> range:
        first = self.next_id[table]
        self.next_id[table] = first + count
        return range(first, first + count)


def generate(database: str | Engine, markets: int = 10_000, stalls_per_market: int = 200,
             seed: int = 1, replace: bool = False, progress: bool = True) -> Report:
    """Load the registry into a migrated database; returns rows and time per table and phase."""
    engine = create_engine(normalise_database_url(database)) if isinstance(database, str) else database
    report = Report()
    # The registry was entered well before the evidence: its accounts were payees on every
    # day the generated evidence covers.
    entered = datetime.now(UTC) - timedelta(days=ENTERED_DAYS_AGO)
    load = Load(random.Random(seed), markets, stalls_per_market,
                entered.strftime("%Y-%m-%d %H:%M:%S.%f"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # SQLite only changes this outside a transaction
            set_sqlite_foreign_keys(connection, False)
        try:
            with connection.begin():
                fill(connection, load, report, replace, progress)
        finally:
            if sqlite:
                set_sqlite_foreign_keys(connection, True)
    return report


def fill(connection: Connection, load: Load, report: Report, replace: bool, progress: bool) -> None:
    timed = report.timed
    tables = MetaData()
    tables.reflect(connection)
    if replace:
        with timed("emptying the registry"):
            empty_registry(connection, tables)
    refuse_if_not_empty(connection, tables)
    add_missing_banks(connection, tables)
    load.next_id = {name: next_id(connection, tables, name) for name in REGISTRY}
    checked_later = defer_reference_checks(connection)
    if connection.dialect.name == "sqlite":
        # The default 2 MB page cache makes every index insert a disk read once the
        # tables outgrow it; a large one keeps the indexes in memory during the load.
        connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    write = writer(connection, tables, report)
    with timed("drawing units and people"):
        units = admin_unit_rows(load)
        draw_people(load)
        load.floor_plan = floor_plan(load.stalls_per_market)
    write("admin_unit", units)
    # SQLite's executemany gives up the GIL on every row: a drawing thread would starve it.
    ahead = connection.dialect.name == "postgresql"
    with tqdm(total=load.markets, unit="market", disable=not progress) as bar:
        for batch in batches(load, report, ahead):
            for name, rows in batch.rows.items():
                write(name, rows)
            bar.update(len(batch.rows["market"]))
    if checked_later:
        with timed("checking foreign keys"):
            check_references(connection, tables)
    with timed("sequences and statistics"):
        finish(connection, tables)
    with timed("commit"):
        connection.commit()


def batches(load: Load, report: Report, ahead: bool) -> Iterator[Batch]:
    """The batches in order. ``ahead``: each is drawn in a thread while the previous one is
    written, so Python and the database work at the same time; one ahead bounds the memory."""

    def draw(first: int) -> Batch:
        with report.timed("drawing rows" + (" (alongside writing)" if ahead else "")):
            batch = registry_batch(load, first, min(MARKETS_PER_BATCH, load.markets - first))
            for generator in BATCH_GENERATORS:
                generator(load, batch)
        return batch

    starts = range(0, load.markets, MARKETS_PER_BATCH)
    if not ahead:
        yield from map(draw, starts)
        return
    with ThreadPoolExecutor(max_workers=1) as drawer:
        pending = [drawer.submit(draw, first) for first in starts[:1]]
        for following in [*starts[1:], None]:
            with report.timed("waiting for rows"):
                batch = pending.pop().result()
            if following is not None:
                pending.append(drawer.submit(draw, following))
            yield batch


def set_sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    connection.exec_driver_sql(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    connection.commit()


def defer_reference_checks(connection: Connection) -> bool:
    """Whether foreign keys go unchecked row by row during the load (then checked in bulk).

    A PostgreSQL trigger checks each row against its parent one query at a time, which costs
    more than the COPY itself; ``check_references`` checks every key in one query per foreign
    key instead. Skipping the triggers needs a superuser: without one, rows are checked as usual.
    On SQLite, ``generate`` turned the checks off before the transaction began.
    """
    if connection.dialect.name == "sqlite":
        return not connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    try:
        with connection.begin_nested():
            connection.execute(text("SET LOCAL session_replication_role = replica"))
    except DBAPIError:
        return False
    return True


def check_references(connection: Connection, tables: MetaData) -> None:
    """Fail (and roll everything back) if a loaded row points at a missing parent."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL session_replication_role = origin"))
    for name in REGISTRY:
        for key in tables.tables[name].foreign_keys:
            child = key.parent
            parent = key.column.table.alias("parent").c[key.column.name]  # the table may be its own parent
            orphans = connection.scalar(
                select(func.count()).select_from(child.table).where(
                    child.isnot(None),
                    ~select(parent).where(parent == child).exists(),
                )
            )
            if orphans:
                raise RuntimeError(f"{orphans} rows of {name}.{child.name} point at no {parent.table.name}")


def refuse_if_not_empty(connection: Connection, tables: MetaData) -> None:
    counts = {name: connection.scalar(select(func.count()).select_from(tables.tables[name]))
              for name in ("market", "admin_unit", "vendor")}
    if any(counts.values()):
        raise RegistryNotEmpty(
            "The database already holds registry data ({} markets, {} administrative units, "
            "{} vendors). Run again with --replace to empty it first.".format(*counts.values())
        )


def empty_registry(connection: Connection, tables: MetaData) -> None:
    """Empty the registry and every table that refers to it (users and their trail included);
    the bank directory stays."""
    doomed = set(REGISTRY)
    for table in tables.sorted_tables:  # parents come first, so one pass finds every dependant
        if any(fk.column.table.name in doomed for fk in table.foreign_keys):
            doomed.add(table.name)
    if connection.dialect.name == "postgresql":
        connection.execute(text("TRUNCATE {} CASCADE".format(", ".join(f'"{name}"' for name in doomed))))
        return
    for table in reversed(tables.sorted_tables):
        if table.name in doomed:
            connection.execute(table.delete())


def add_missing_banks(connection: Connection, tables: MetaData) -> None:
    bank = tables.tables["bank"]
    present = set(connection.scalars(select(bank.c.bin)))
    missing = [
        {"bin": b.bin, "code": b.code, "short_name": b.short_name, "name": b.name,
         "vietqr": b.vietqr, "status": b.status, "note": b.note}
        for b in all_banks() if b.bin not in present
    ]
    if missing:
        connection.execute(insert(bank), missing)


def next_id(connection: Connection, tables: MetaData, name: str) -> int:
    return (connection.scalar(select(func.max(tables.tables[name].c.id))) or 0) + 1


def writer(connection: Connection, tables: MetaData, report: Report) -> Callable[[str, list[tuple]], None]:
    """A function writing tuples to a table the fastest way the database allows."""
    postgresql = connection.dialect.name == "postgresql"
    cursor = connection.connection.driver_connection.cursor() if postgresql else None
    statements = {
        name: str(insert(tables.tables[name]).compile(dialect=connection.dialect, column_keys=list(columns)))
        for name, columns in COLUMNS.items()
    }

    def write(name: str, rows: list[tuple]) -> None:
        if not rows:
            return
        started = time.perf_counter()
        columns = COLUMNS[name]
        if postgresql:
            quoted = ", ".join(f'"{column}"' for column in columns)
            with cursor.copy(f'COPY "{name}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            connection.exec_driver_sql(statements[name], rows)
        report.tables[name].rows += len(rows)
        report.tables[name].seconds += time.perf_counter() - started

    return write


def finish(connection: Connection, tables: MetaData) -> None:
    """Move PostgreSQL's id sequences past the ids chosen here; refresh planner statistics."""
    if connection.dialect.name == "postgresql":
        for name in REGISTRY:
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), max(id)) FROM \"{name}\""
            ))
        connection.execute(text("ANALYZE {}".format(", ".join(f'"{name}"' for name in REGISTRY))))
    else:
        connection.exec_driver_sql("ANALYZE")
        connection.exec_driver_sql("PRAGMA cache_size = -2000")  # SQLite's default


def admin_unit_rows(load: Load) -> list[tuple]:
    """34 provinces and their communes (the two tiers in force since July 2025)."""
    rng, rows = load.rng, []
    province_ids = load.ids("admin_unit", len(PROVINCES))
    for number, (unit_id, name) in enumerate(zip(province_ids, PROVINCES), start=1):
        kind = "Thành phố" if name in CITIES else "Tỉnh"
        rows.append((unit_id, f"{number:02d}", f"{kind} {name}", "province", None, True))
    for number, unit_id in enumerate(load.ids("admin_unit", COMMUNES), start=1):
        kind = "Phường" if rng.random() < 0.3 else "Xã"
        place = " ".join(rng.sample(PLACE_WORDS, 2))
        rows.append((unit_id, f"{number:05d}", f"{kind} {place}", "commune", rng.choice(province_ids), True))
        load.communes.append((unit_id, place))
    return rows


def draw_people(load: Load) -> None:
    """A pool of vendors' identities; each row of the pool is ready to be written."""
    for _ in range(PEOPLE):
        someone = person(load.rng)
        load.people.append((someone.name, someone.phone, someone.birth_year,
                            address_form(someone), holder_name(someone.name)))


def registry_batch(load: Load, first: int, count: int) -> Batch:
    """Markets ``first`` … ``first + count - 1`` with their stalls, vendors, tenancies, accounts."""
    batch = Batch()
    for market_id in load.ids("market", count):
        adoption = load.rng.uniform(0.2, 1.0)
        commune, place = load.rng.choice(load.communes)
        market_class = load.rng.choices((1, 2, 3), weights=(5, 25, 70))[0]
        batch.rows["market"].append((market_id, f"CHO{market_id:07d}", f"Chợ {place}",
                                     market_class, "", commune, load.stamp, OPENED_ON))
        add_stalls(load, batch, market_id, adoption)
    return batch


def add_stalls(load: Load, batch: Batch, market_id: int, adoption: float) -> None:
    """One market's stalls; the hot loop of the generator, so it keeps to local names."""
    rng, stamp, people = load.rng, load.stamp, load.people
    stalls, vendors, tenancies, accounts, payees = (batch.rows[name] for name in REGISTRY[2:])
    stall_id, vendor_id, account_id = (load.next_id[name] for name in ("stall", "vendor", "bank_account"))
    for code, zone, row, number, goods in load.floor_plan:
        category, shop_words = rng.choice(goods)
        roll = rng.random()
        status = "operating" if roll < 0.9 else "vacant" if roll < 0.97 else "closed"
        stalls.append((stall_id, market_id, code, zone, row, number, category, status, stamp,
                       OPENED_ON))
        if status == "operating":
            name, phone, birth_year, form, holder = people[rng.randrange(PEOPLE)]
            shop = f"{rng.choice(shop_words)} {form}" if rng.random() < 0.5 else ""
            registered = rng.random() < adoption
            consent = rng.choice(CONSENT_DAYS) if registered else None
            vendors.append((vendor_id, name, shop, phone, birth_year, consent, stamp))
            # One open tenancy per vendor here, so a tenancy takes its vendor's id.
            tenancies.append((vendor_id, stall_id, vendor_id, rng.choice(START_DAYS)))
            batch.stalls.append((stall_id, status, vendor_id))
            if registered:
                bank_bin, number_ = bank_account(rng)
                accounts.append((account_id, vendor_id, 1, bank_bin, number_, holder, "account", "typed", stamp))
                payees.append((account_id, stall_id, vendor_id, account_id, True, stamp))
                account_id += 1
            vendor_id += 1
        else:
            batch.stalls.append((stall_id, status, None))
        stall_id += 1
    load.next_id.update(stall=stall_id, vendor=vendor_id, tenancy=vendor_id, bank_account=account_id,
                        payee=account_id)


def floor_plan(stalls: int) -> list[tuple]:
    """Every market's spots: code, zone, row, number, and the goods its zone sells."""
    plan = []
    for index in range(stalls):
        zone, row, number = index // PER_ZONE, index % PER_ZONE // PER_ROW + 1, index % PER_ROW + 1
        letter = zone_letter(zone)
        goods = tuple((category.value, SHOP_WORDS[category]) for category in ZONE_GOODS[zone % len(ZONE_GOODS)])
        plan.append((f"{letter}{row}-{number:02d}", f"Khu {letter}", f"Dãy {row}", number, goods))
    return plan


def zone_letter(zone: int) -> str:
    """A, B, …, Z, then AA, AB, … for very large markets."""
    letters = ""
    zone += 1
    while zone:
        zone, rest = divmod(zone - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# Generators run on every batch after the registry rows are drawn; one for payment activity
# over the last 30 days appends itself here and adds its rows to ``batch.rows``.
BATCH_GENERATORS: list[Callable[[Load, Batch], None]] = []


def app_database_url() -> str:
    from market import create_app

    return create_app().config["SQLALCHEMY_DATABASE_URI"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: the app's configured database")
    parser.add_argument("--markets", type=int, default=10_000)
    parser.add_argument("--stalls-per-market", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--replace", action="store_true",
                        help="empty the registry (and what refers to it, users included) first")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        report = generate(args.database_url or app_database_url(), args.markets, args.stalls_per_market,
                         args.seed, args.replace, progress=not args.quiet)
    except RegistryNotEmpty as refusal:
        print(refusal, file=sys.stderr)
        return 1
    for line in report.lines(time.perf_counter() - started):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
