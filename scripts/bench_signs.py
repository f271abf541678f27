"""Benchmark of printing QR signs, side by side in one run.

    .venv/bin/python scripts/bench_signs.py --output scripts/bench_signs.md

Builds a scratch SQLite market of 500 stalls (each with a tenant and an account) and
compares, round by round so every way sees the same machine load:

* our market batch of 500 A6 signs (`print_market_signs`, database work included), with
  one and with two rendering processes;
* the floor: a minimal WeasyPrint document of 500 pages, each holding just one QR code
  (drawn as on a sign), rendered under the same garbage-collector setting as our batch,
  and once more as a plain WeasyPrint call;
* one PDF per sign (`render_stall_sign` called per stall), on a sample of the stalls.

Then, each in a fresh process so its peak memory is its own: a batch of 5,000 signs
(peak RSS of the printing process and of its largest rendering worker), and the QR render
cache across two prints of the same 500-sign batch. A measurement, not a test.
"""
from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade
from pypdf import PdfReader
from sqlalchemy import select
from weasyprint import CSS, HTML

from market import create_app
from market.extensions import db
from market.models import (
    AdminUnit,
    BankAccount,
    GoodsCategory,
    Market,
    SignFormat,
    Stall,
    Tenancy,
    UnitLevel,
    Vendor,
)
from market.registry.services import payees
from market.signs.pdf import collector_tuned_for_printing, url_fetcher
from market.signs.selection import plan_signs
from market.signs.services import print_market_signs, render_stall_sign, sign_qr_svg
from market.vietqr.render import clear_render_cache, render_cache_info

BANKS = ["970436", "970415", "970418", "970407", "970422", "970405", "970403", "970423"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["Thị Hường", "Văn Đức", "Thị Ngọc Ánh", "Quốc Việt", "Thị Yến", "Minh Tú", "Thu Hà"]
MINIMAL_CSS = "@page { size: A6; margin: 5mm } div { break-after: page }"


def make_app(database: Path, processes: int):
    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench",
                      "SIGNS_RENDER_PROCESSES": processes})
    return app


def build_market(app, stalls: int) -> int:
    from market.registry.banks import sync_bank_directory

    with app.app_context():
        upgrade(revision="heads")
        sync_bank_directory()
        unit = AdminUnit(code="BENCH", name="Xã Đông Anh", level=UnitLevel.COMMUNE)
        market = Market(code="BENCH", name="Chợ Đông Anh", market_class=1, commune=unit)
        db.session.add(market)
        for i in range(stalls):
            zone, number = "ABCDEFGHIJ"[i // 500 % 10], i % 500
            stall = Stall(market=market, code=f"{zone}-{number:03d}-{i}", zone=zone,
                          row=str(number // 50 + 1), number=number,
                          category=GoodsCategory.VEGETABLES)
            name = f"{SURNAMES[i % 10]} {GIVEN[i % 7]}"
            vendor = Vendor(name=name, shop_name=f"Hàng rau {GIVEN[i % 7]}" if i % 3 else "")
            db.session.add_all([
                stall, vendor,
                Tenancy(stall=stall, vendor=vendor, start_on=date(2026, 1, 1)),
                BankAccount(vendor=vendor, bank_bin=BANKS[i % len(BANKS)],
                            account_number=f"{1000000000 + i * 7919}",
                            holder_name=name.upper()),
            ])
        db.session.flush()
        payees.refresh(db.session.scalars(select(Stall.id).where(Stall.market_id == market.id)).all())
        db.session.commit()
        return market.id


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the rendering workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(action, pages: int) -> tuple[float, float]:
    """(pages per wall-clock second, pages per CPU-second), starting with no garbage left
    over from the previous way, so that no way pays for collecting another's."""
    gc.collect()
    cpu = cpu_seconds()
    wall = timed(action)
    return pages / wall, pages / (cpu_seconds() - cpu)


def minimal_document(payloads: list[str], *, like_ours: bool = True) -> bytes:
    """One page per payload, each holding just its QR code as drawn on an A6 sign: the
    floor for WeasyPrint here. ``like_ours`` renders it under the garbage-collector
    setting our batch renders under, so the comparison is of page content alone."""
    pages = "".join(f"<div>{sign_qr_svg(p, SignFormat.A6)}</div>" for p in payloads)
    html = f'<!doctype html><html lang="vi"><body>{pages}</body></html>'

    def render() -> bytes:
        document = HTML(string=html, url_fetcher=url_fetcher())
        return document.write_pdf(stylesheets=[CSS(string=MINIMAL_CSS)])

    if not like_ours:
        return render()
    with collector_tuned_for_printing():
        return render()


def side_by_side(args) -> dict:
    """Rounds of: our batch (1 and 2 processes), minimal document (under our collector
    setting and plain), one PDF per sign."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-signs-"))
    app = make_app(workdir / "bench.db", 1)
    market_id = build_market(app, args.stalls)
    ways = ("ours_1", "ours_2", "minimal", "minimal_plain", "per_sign")
    rates: dict[str, list[float]] = {way: [] for way in ways}
    cpu_rates: dict[str, list[float]] = {way: [] for way in ways}
    load_before = os.getloadavg()[0]
    with app.app_context():
        market = db.session.get(Market, market_id)
        plan = plan_signs(market, "a6")
        payloads = [e.payload for e in plan.printable]
        sample = [e.stall for e in plan.printable[: args.per_sign_sample]]
        n = len(payloads)
        print_market_signs(market, "a6")  # warm-up: issues the signs, fills the caches
        db.session.commit()

        def batch():
            print_market_signs(market, "a6")
            db.session.commit()

        def one_pdf_per_sign():
            for stall in sample:
                render_stall_sign(stall, "a6")
                db.session.commit()

        for round_no in range(args.rounds):
            for processes in (1, 2):
                app.config["SIGNS_RENDER_PROCESSES"] = processes
                record(rates, cpu_rates, f"ours_{processes}", measure(batch, n))
            record(rates, cpu_rates, "minimal", measure(lambda: minimal_document(payloads), n))
            record(rates, cpu_rates, "minimal_plain",
                   measure(lambda: minimal_document(payloads, like_ours=False), n))
            record(rates, cpu_rates, "per_sign", measure(one_pdf_per_sign, len(sample)))
            print(f"round {round_no + 1}: " + ", ".join(
                f"{k} {v[-1]:.1f} p/s" for k, v in rates.items()), file=sys.stderr)
    return {
        "signs": n,
        "wall": {k: statistics.median(v) for k, v in rates.items()},
        "cpu": {k: statistics.median(v) for k, v in cpu_rates.items()},
        "raw": rates,
        "load": (load_before, os.getloadavg()[0]),
    }


def record(rates: dict, cpu_rates: dict, way: str, measured: tuple[float, float]) -> None:
    rates[way].append(measured[0])
    cpu_rates[way].append(measured[1])


class MemorySampler(threading.Thread):
    """Peak proportional set size (PSS) of this process plus its children, sampled every
    0.1 s: shared pages of forked workers are counted once, split between sharers."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.1):
            self.peak_kb = max(self.peak_kb, sum(pss_kb(pid) for pid in process_tree()))

    def stop(self) -> int:
        self.stopped.set()
        self.join()
        return self.peak_kb


def process_tree(pid: int | None = None) -> list[int]:
    pid = pid or os.getpid()
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid] + [p for child in children for p in process_tree(int(child))]


def pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def big_batch(args) -> dict:
    """In its own process: a batch of ``--big`` signs, its time and peak memory."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-signs-big-"))
    app = make_app(workdir / "bench.db", args.processes)
    market_id = build_market(app, args.big)
    with app.app_context():
        market = db.session.get(Market, market_id)
        sampler = MemorySampler()
        sampler.start()
        start = time.perf_counter()
        pdf = print_market_signs(market, "a6").pdf
        seconds = time.perf_counter() - start
        peak_pss_kb = sampler.stop()
        db.session.commit()
    return {
        "signs": args.big,
        "seconds": seconds,
        "pdf_bytes": len(pdf),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "total_peak_pss_mb": peak_pss_kb / 1024,
        "parent_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "processes": args.processes,
    }


def cache_reuse(args) -> dict:
    """In its own process: QR render cache counters across two prints of the same batch."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-signs-cache-"))
    app = make_app(workdir / "bench.db", 1)
    market_id = build_market(app, args.stalls)
    clear_render_cache()
    result = {}
    with app.app_context():
        market = db.session.get(Market, market_id)
        for label in ("first", "second"):
            before = render_cache_info()["svg"]
            seconds = timed(lambda: print_market_signs(market, "a6"))
            db.session.commit()
            after = render_cache_info()["svg"]
            result[label] = {"seconds": seconds, "hits": after.hits - before.hits,
                             "misses": after.misses - before.misses}
    return result


def in_subprocess(mode: str, args) -> dict:
    command = [sys.executable, __file__, "--mode", mode, "--stalls", str(args.stalls),
               "--big", str(args.big), "--processes", str(args.processes)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(args, main: dict, big: dict, cache: dict) -> str:
    wall, cpu = main["wall"], main["cpu"]
    floor, per_sign = wall["minimal"], wall["per_sign"]
    labels = {
        "ours_1": "our batch, 1 rendering process",
        "ours_2": "our batch, 2 rendering processes",
        "minimal": (f"minimal document: {main['signs']} pages, one QR code each, "
                    "same garbage-collector setting as ours"),
        "minimal_plain": "the same minimal document, plain WeasyPrint call",
        "per_sign": f"one PDF per sign (`render_stall_sign`, {args.per_sign_sample} stalls)",
    }
    rows = [
        f"| {label} | {wall[key]:.1f} | {cpu[key]:.1f} | {wall[key] / floor:.0%} | "
        f"{cpu[key] / cpu['minimal']:.0%} | {wall[key] / per_sign:.1f}× |"
        for key, label in labels.items()
    ]
    lines = [
        "# Printing QR signs: benchmark",
        "",
        "Command (from the project root):",
        "",
        "```",
        (f".venv/bin/python scripts/bench_signs.py --rounds {args.rounds} --stalls {args.stalls}"
        f" --per-sign-sample {args.per_sign_sample} --big {args.big}"
        f" --processes {args.processes} --output scripts/bench_signs.md"),
        "```",
        "",
        (f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python "
        f"{platform.python_version()}, WeasyPrint {version('weasyprint')}, pypdf "
        f"{version('pypdf')}. Medians of {args.rounds} rounds; in each round every way runs "
        "once, one after the other."),
        "",
        f"## {main['signs']} A6 signs",
        "",
        (f"Load average (1 min) of the machine: {main['load'][0]:.1f} at the start, "
        f"{main['load'][1]:.1f} at the end. Pages per CPU-second counts the printing process "
        "and its rendering workers, so it does not depend on how busy the machine was."),
        "",
        ("| way | pages/s (wall) | pages per CPU-second | vs minimal (wall; target ≥ 80%) "
        "| vs minimal (CPU) | vs one PDF per sign (wall; target ≥ 15×) |"),
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Per round (pages/s): " + "; ".join(
            f"{k} " + ", ".join(f"{v:.1f}" for v in vals) for k, vals in main["raw"].items()
        ),
        "",
        f"## A batch of {big['signs']:,} signs ({big['processes']} rendering processes)",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| time | {big['seconds']:.1f} s ({big['signs'] / big['seconds']:.1f} pages/s) |",
        f"| PDF size | {big['pdf_bytes'] / 1e6:.1f} MB, {big['pages']:,} pages |",
        (f"| peak memory of the whole batch (PSS of the printing process and its workers, "
        f"sampled every 0.1 s) | {big['total_peak_pss_mb']:.0f} MB (target < 1 GB) |"),
        f"| peak RSS of the printing process | {big['parent_peak_mb']:.0f} MB |",
        (f"| peak RSS of the largest rendering worker (shared pages included) | "
        f"{big['worker_peak_mb']:.0f} MB |"),
        "",
        f"## QR render cache across two prints of the same {args.stalls}-sign batch",
        "",
        "| print | time | QR SVG renders taken from the cache | QR SVG renders drawn |",
        "|---|---:|---:|---:|",
        *(f"| {k} | {v['seconds']:.2f} s | {v['hits']} | {v['misses']} |"
          for k, v in cache.items()),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["all", "big", "cache"], default="all")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stalls", type=int, default=500)
    parser.add_argument("--per-sign-sample", type=int, default=100)
    parser.add_argument("--big", type=int, default=5000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    if args.mode == "big":
        print(json.dumps(big_batch(args)))
        return
    if args.mode == "cache":
        print(json.dumps(cache_reuse(args)))
        return
    main_rates = side_by_side(args)
    big = in_subprocess("big", args)
    cache = in_subprocess("cache", args)
    text = report(args, main_rates, big, cache)
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
