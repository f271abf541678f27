"""Fault tests on PostgreSQL, each printing PASS/FAIL and its figures.

    .venv/bin/python scripts/fault_test.py kill-scheduler   # SIGKILL a full run mid-way
    .venv/bin/python scripts/fault_test.py two-schedulers   # two runs at once: one runs
    sudo .venv/bin/python scripts/fault_test.py disk-full   # signs PDF onto a 64 KiB tmpfs
    sudo .venv/bin/python scripts/fault_test.py pg-restart  # restart PostgreSQL under load

``pg-restart`` restarts the whole PostgreSQL cluster of this machine (every database).
The databases are the script's own (``--database-url``, ``--big-database-url``); loopback only.
"""
from __future__ import annotations

import argparse
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import httpbench

ROOT = httpbench.ROOT
ensure_database, flask = httpbench.ensure_database, httpbench.flask
BIN = Path(sys.executable).parent
SMALL_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/fault_test"
BIG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/fault_test_big"
# A past day nobody else computes, so the test's runs are the only ones for it.
DAY = date(2026, 1, 15)



def start_flask(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "flask"), "--app", "market", *args], cwd=ROOT,
                            env={**os.environ, "MARKET_DATABASE_URL": url},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)



def prepare_small(url: str) -> None:
    """Migrated, bank directory, demo data."""
    ensure_database(url)
    flask(url, "db", "upgrade")
    flask(url, "load-banks")
    flask(url, "demo", "--if-empty")


def prepare_big(url: str, markets: int) -> None:
    """Migrated, bank directory and a synthetic registry large enough for a full run to take
    seconds (so that it can be killed mid-way and two can overlap)."""
    ensure_database(url)
    flask(url, "db", "upgrade")
    flask(url, "load-banks")
    engine = create_engine(url)
    with engine.connect() as connection:
        stalls = connection.scalar(text("SELECT count(*) FROM stall"))
    engine.dispose()
    if stalls < markets * 100:
        subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_load_data.py"),
                        "--database-url", url, "--markets", str(markets), "--replace", "--quiet"],
                       cwd=ROOT, check=True)


def snapshot_rows(engine, day: date) -> set[tuple]:
    with engine.connect() as connection:
        return set(connection.execute(
            text("SELECT * FROM adoption_snapshot WHERE day = :d"), {"d": day}).all())


def runs_since(engine, first_id: int) -> list[tuple]:
    with engine.connect() as connection:
        return list(connection.execute(
            text("SELECT id, job, status, rows, error FROM job_run WHERE id > :i AND day = :d "
                 "ORDER BY id"), {"i": first_id, "d": DAY}).all())


def last_run_id(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT coalesce(max(id), 0) FROM job_run"))


def snapshots_lock_held(engine) -> bool:
    """Whether some backend holds the monitor's snapshot advisory lock (a run is writing)."""
    sys.path.insert(0, str(ROOT))
    from market.jobs.locks import lock_key

    key = lock_key("snapshots")
    with engine.connect() as connection:
        return bool(connection.scalar(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND ((classid::bigint << 32) | objid::bigint) = :k"), {"k": key}))


def report(name: str, ok: bool, figures: list[str]) -> bool:
    print(f"{name}: {'PASS' if ok else 'FAIL'}")
    for line in figures:
        print(f"  {line}")
    return ok


def kill_scheduler(args) -> bool:
    url = args.big_database_url
    prepare_big(url, args.markets)
    engine = create_engine(url)
    figures = []
    started = time.monotonic()
    first = flask(url, "monitor", "run", "--job", "full", "--date", DAY.isoformat())
    full_seconds = time.monotonic() - started
    before = snapshot_rows(engine, DAY)
    figures.append(f"first full run: {first.stdout.strip()} in {full_seconds:.1f} s "
                   f"(process start included), {len(before)} snapshot rows")

    mark = last_run_id(engine)
    process = start_flask(url, "monitor", "run", "--job", "full", "--date", DAY.isoformat())
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and not snapshots_lock_held(engine):
        time.sleep(0.02)
    locked_at = time.monotonic()
    time.sleep(args.kill_after)
    still_running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_after = time.monotonic() - locked_at
    figures.append(f"second run killed with SIGKILL {killed_after:.2f} s after it took the lock "
                   f"(still running then: {still_running})")
    # The server notices the dead connection and rolls its transaction back.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and snapshots_lock_held(engine):
        time.sleep(0.1)
    after_kill = snapshot_rows(engine, DAY)
    killed = runs_since(engine, mark)
    same = after_kill == before
    figures.append(f"snapshots after the kill equal those before: {same} "
                   f"({len(after_kill)} rows); killed run's record: "
                   f"{[(r[0], r[2]) for r in killed]}")

    mark_again = last_run_id(engine)
    started = time.monotonic()
    again = flask(url, "monitor", "run", "--job", "full", "--date", DAY.isoformat(), check=False)
    again_seconds = time.monotonic() - started
    next_runs = runs_since(engine, mark_again)
    completed = again.returncode == 0 and [r[2] for r in next_runs] == ["succeeded"]
    after = snapshot_rows(engine, DAY)
    with engine.connect() as connection:
        writers = set(connection.scalars(text(
            "SELECT DISTINCT run_id FROM adoption_snapshot WHERE day = :d"), {"d": DAY}))
    closed = [(r[0], r[2], r[4]) for r in runs_since(engine, mark) if r[0] <= mark_again]
    figures.append(f"killed run's record after the next run: {closed}")
    figures.append(f"next run: {again.stdout.strip()} in {again_seconds:.1f} s; "
                   f"{len(after)} snapshot rows, all from it: "
                   f"{writers == {next_runs[0][0]} if next_runs else False}")
    engine.dispose()
    killed_mid_run = still_running and all(r[2] == "running" for r in killed)
    closed_ok = all(r[1] == "failed" for r in closed)
    return report("kill-scheduler", killed_mid_run and same and completed and closed_ok, figures)


def two_schedulers(args) -> bool:
    url = args.big_database_url
    prepare_big(url, args.markets)
    engine = create_engine(url)
    mark = last_run_id(engine)
    started = time.monotonic()
    # As two schedulers firing the same crontab entry: the runs say they come from one.
    processes = [start_flask(url, "monitor", "run", "--job", "full", "--date", DAY.isoformat(),
                             "--trigger", "scheduler") for _ in range(2)]
    outputs = [p.communicate(timeout=600)[0].strip() for p in processes]
    seconds = time.monotonic() - started
    runs = runs_since(engine, mark)
    statuses = sorted(r[2] for r in runs)
    engine.dispose()
    return report("two-schedulers", statuses == ["skipped", "succeeded"], [
        (f"two `flask monitor run --job full --trigger scheduler` started together, "
        f"both done in {seconds:.1f} s"),
        *(f"process {i + 1}: {out}" for i, out in enumerate(outputs)),
        f"run records: {[(r[0], r[2], r[3]) for r in runs]}",
    ])


def disk_full(args) -> bool:
    if os.geteuid() != 0:
        raise SystemExit("disk-full mounts a tmpfs: run it as root")
    url = args.database_url
    prepare_small(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        market = connection.scalar(text(
            "SELECT m.code FROM market m JOIN stall s ON s.market_id = m.id "
            "GROUP BY m.code ORDER BY count(*) DESC LIMIT 1"))
        signs_before = connection.scalar(text("SELECT count(*) FROM sign"))
    mount = Path(tempfile.mkdtemp(prefix="tiny-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], check=True)
    try:
        target = mount / "signs.pdf"
        done = flask(url, "signs", "print", "--market", market, "--format", "a6",
                     "-o", str(target), check=False)
        left = target.exists()
    finally:
        subprocess.run(["umount", str(mount)], check=True)
        mount.rmdir()
    with engine.connect() as connection:
        signs_after = connection.scalar(text("SELECT count(*) FROM sign"))
    engine.dispose()
    message = [line for line in done.stderr.splitlines() if line.startswith("Error")]
    ok = (done.returncode == 1 and "Traceback" not in done.stderr and bool(message)
          and not left and signs_after == signs_before)
    return report("disk-full", ok, [
        f"signs print --market {market} onto a 64 KiB tmpfs: exit code {done.returncode}",
        f"message: {message[0] if message else done.stderr.strip()[-300:]!r}",
        (f"traceback: {'Traceback' in done.stderr}; partial file left: {left}; "
        f"signs recorded: {signs_before} before, {signs_after} after"),
    ])


def pg_restart(args) -> bool:
    if os.geteuid() != 0:
        raise SystemExit("pg-restart restarts PostgreSQL: run it as root")
    url = args.database_url
    prepare_small(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        unit = connection.scalar(text("SELECT admin_unit_id FROM \"user\" WHERE username = 'demo.xa'"))
    engine.dispose()
    port = httpbench.free_port()
    server = httpbench.start_server(url, port, workers=2, env={"MARKET_SECRET_KEY": "fault-test"})
    timeline: list[tuple[float, str, int, bool]] = []
    stop = threading.Event()
    slowest = [0.0]
    try:
        cookie = httpbench.sign_in(port, "demo.xa", "cho40-demo")

        def client(path: str, headers: dict) -> None:
            conn = http.client.HTTPConnection(httpbench.HOST, port, timeout=30)
            while not stop.is_set():
                sent = time.monotonic()
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    status, body = 0, b""
                    conn.close()
                    conn = http.client.HTTPConnection(httpbench.HOST, port, timeout=30)
                timeline.append((time.monotonic(), path, status, b"Traceback" in body))
                slowest[0] = max(slowest[0], time.monotonic() - sent)
                time.sleep(0.05)
            conn.close()

        threads = [threading.Thread(target=client, args=("/healthz", {})),
                   threading.Thread(target=client, args=(f"/dashboard/units/{unit}",
                                                         {"Cookie": cookie}))]
        for thread in threads:
            thread.start()
        time.sleep(3)
        restart_started = time.monotonic()
        version = max(os.listdir("/etc/postgresql"))
        ctl = ["pg_ctlcluster", "--skip-systemctl-redirect", version, args.cluster]
        if args.down_seconds:  # a longer outage: stop, wait, start
            subprocess.run([*ctl, "stop"], check=True)
            time.sleep(args.down_seconds)
            subprocess.run([*ctl, "start"], check=True)
        else:
            subprocess.run([*ctl, "restart"], check=True)
        restart_done = time.monotonic()
        deadline = restart_done + args.recovery_seconds
        recovered_at = None
        while time.monotonic() < deadline:
            recent = [t for t in timeline if t[0] > restart_done]
            if len(recent) >= 10 and all(s == 200 for _, _, s, _ in recent[-10:]):
                recovered_at = next(t for t, _, s, _ in reversed(recent) if s != 200) \
                    if any(s != 200 for _, _, s, _ in recent) else restart_done
                break
            time.sleep(0.2)
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
        httpbench.stop_server(server)

    failures = [t for t in timeline if t[2] != 200]
    statuses = sorted({s for _, _, s, _ in failures})
    tracebacks = sum(t[3] for t in timeline)
    down = (failures[-1][0] - failures[0][0]) if failures else 0.0
    recovery = (recovered_at - restart_done) if recovered_at is not None else None
    ok = (recovery is not None and all(s == 503 for s in statuses) and not tracebacks)
    return report("pg-restart", ok, [
        (f"requests: {len(timeline)}, non-200: {len(failures)} with statuses {statuses}, "
        f"tracebacks in bodies: {tracebacks}"),
        (f"PostgreSQL restart took {restart_done - restart_started:.1f} s; 503s seen over "
        f"{down:.1f} s; slowest answer {slowest[0]:.2f} s"),
        f"app answering 200 again {recovery:.1f} s after PostgreSQL was back"
        if recovery is not None else f"no recovery within {args.recovery_seconds} s",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("test", choices=["kill-scheduler", "two-schedulers", "disk-full",
                                         "pg-restart"])
    parser.add_argument("--database-url", default=SMALL_URL)
    parser.add_argument("--big-database-url", default=BIG_URL)
    parser.add_argument("--markets", type=int, default=2000,
                        help="synthetic markets (×200 stalls) for the scheduler tests")
    parser.add_argument("--kill-after", type=float, default=0.3,
                        help="seconds after the run takes its lock before SIGKILL")
    parser.add_argument("--recovery-seconds", type=float, default=30)
    parser.add_argument("--down-seconds", type=float, default=0,
                        help="pg-restart: stop PostgreSQL this long instead of a plain restart")
    parser.add_argument("--cluster", default="main",
                        help="the PostgreSQL cluster pg-restart restarts (the one --database-url is on)")
    args = parser.parse_args()
    test = {"kill-scheduler": kill_scheduler, "two-schedulers": two_schedulers,
            "disk-full": disk_full, "pg-restart": pg_restart}[args.test]
    sys.exit(0 if test(args) else 1)


if __name__ == "__main__":
    main()
