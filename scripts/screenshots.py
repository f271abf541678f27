#!/usr/bin/env python
"""Regenerate the README's pictures from the journey suite's step screenshots.

    .venv/bin/python scripts/screenshots.py            # run tests/journeys, then copy
    .venv/bin/python scripts/screenshots.py --no-run   # copy from the last run

The journeys (tests/journeys/) save every step under out/journeys/<journey>/<size>/; this
script copies the chosen steps into static/screenshots/ and renders the printed signs the
board journey downloaded (A6 and A4) to PNG, so the README shows what the tests saw.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ROOT / "out" / "journeys"
OUT = ROOT / "static" / "screenshots"
BOARD = "board_registers_a_stall_and_prints_its_sign_and_the_whole_market"
TEAM = "team_inspects_a_stall_from_the_worklist_then_records_the_visit"
COMMUNE = "commune_follows_a_market_to_its_floor_plan_and_downloads_the_monthly_report"
# README picture -> (journey, size, step name without its number)
PICTURES = {
    "dashboard.png": (COMMUNE, "desktop", "dashboard"),
    "floor-plan.png": (COMMUNE, "desktop", "floor-plan"),
    "phone-worklist.png": (TEAM, "phone", "worklist"),
    "phone-inspection.png": (TEAM, "phone", "inspection-form"),
    "phone-account.png": (BOARD, "phone", "account-typed-twice"),
    "market-signs.png": (BOARD, "desktop", "market-signs"),
}
SIGNS = {"sign-a6.png": (BOARD, "desktop", "sign-a6"), "sign-a4.png": (BOARD, "desktop", "sign-a4")}


def step(journey: str, size: str, name: str, suffix: str) -> Path:
    found = sorted((STEPS / journey / size).glob(f"[0-9][0-9]-{name}{suffix}"))
    if not found:
        raise SystemExit(f"no step {name!r} in {STEPS / journey / size}: run the journeys first")
    return found[-1]


def render_first_page(pdf: Path, png: Path, dpi: int = 110) -> None:
    import pypdfium2

    pypdfium2.PdfDocument(pdf.read_bytes())[0].render(scale=dpi / 72).to_pil().save(png)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-run", action="store_true", help="use the last run's screenshots")
    args = parser.parse_args()
    if not args.no_run:
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "tests/journeys"], cwd=ROOT, check=True)
    OUT.mkdir(parents=True, exist_ok=True)
    for picture, where in PICTURES.items():
        shutil.copyfile(step(*where, ".png"), OUT / picture)
    for picture, where in SIGNS.items():
        render_first_page(step(*where, ".pdf"), OUT / picture)
    print(f"wrote {len(PICTURES) + len(SIGNS)} pictures into {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
