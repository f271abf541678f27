"""Load test on loopback: gunicorn (4 workers) on PostgreSQL with the scheduler running beside
it, driven for ``--seconds`` by a mix of board stall edits, team inspections, signed payment
webhooks and commune dashboard reads. Every acknowledged write is checked in the database
afterwards; prints counts per kind, errors and p50/p95/p99 latency.

    .venv/bin/python scripts/load_test.py --seconds 300
    .venv/bin/python scripts/load_test.py --seconds 300 --nodes 2 [--redis-url redis://...]

With ``--nodes 2`` two gunicorn instances (``--workers`` each) and two schedulers share the
database and a Redis (rate limits, sign-in throttle, invalidation of kept tables), as two
machines behind a proxy would; the clients are spread over both nodes.

Bounded in time (``--seconds``) and in requests (``--max-requests``); loopback only.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import httpbench

ROOT = httpbench.ROOT
ensure_database, flask = httpbench.ensure_database, httpbench.flask
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/load_test"
PARTNER = "load-test-bank"
ACKNOWLEDGED = {200, 201, 302}


def prepare(database_url: str) -> str:
    """Migrations, the bank directory, the demo data and a payment partner; its secret."""
    ensure_database(database_url)
    flask(database_url, "db", "upgrade")
    flask(database_url, "load-banks")
    flask(database_url, "demo", "--if-empty")
    app = make_app(database_url)
    from sqlalchemy import select

    from market.extensions import db
    from market.models import PaymentPartner
    from market.monitor.payments import add_partner

    with app.app_context():
        partner = db.session.scalar(select(PaymentPartner).where(PaymentPartner.name == PARTNER))
        if partner is None:
            partner, _ = add_partner(PARTNER)
            db.session.commit()
        return partner.secret


def make_app(database_url: str):
    from market import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url})


def targets(database_url: str) -> dict:
    """What the clients work on: the board's and the team's stalls, the commune's unit,
    account numbers that payments go to."""
    from sqlalchemy import select

    from market.extensions import db
    from market.models import BankAccount, Market, Stall, User

    with make_app(database_url).app_context():
        def stalls_of(username: str) -> list[dict]:
            user = db.session.scalar(select(User).where(User.username == username))
            market_ids = [m.id for m in user.markets]
            return [
                {"id": s.id, "code": s.code, "zone": s.zone, "row": s.row, "number": s.number,
                 "category": s.category.value, "status": s.status.value}
                for s in db.session.scalars(
                    select(Stall).where(Stall.market_id.in_(market_ids)).order_by(Stall.id))
            ]

        board = stalls_of("demo.bql")
        commune = db.session.scalar(select(User).where(User.username == "demo.xa"))
        accounts = db.session.execute(
            select(BankAccount.bank_bin, BankAccount.account_number)
            .where(BankAccount.retired_at.is_(None)).limit(50)
        ).all()
        return {
            "board": board, "team": stalls_of("demo.to"),
            "unit": commune.admin_unit_id,
            "markets": list(db.session.scalars(
                select(Market.id).where(Market.commune_id == commune.admin_unit_id)
                .order_by(Market.id))), "accounts": [tuple(a) for a in accounts],
        }


class Recorder:
    """Latencies, errors and acknowledged writes of all clients."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.stall_values: dict[int, str] = {}
        self.inspections: list[str] = []
        self.transactions: list[str] = []

    def answer(self, kind: str, status: int, elapsed: float, expected: set[int]) -> bool:
        with self.lock:
            if status in expected:
                self.latencies[kind].append(elapsed)
                return True
            self.errors[kind].append(str(status))
            return False


class Client(threading.Thread):
    """One keep-alive connection doing one kind of request until the deadline or budget."""

    def __init__(self, kind: str, port: int, deadline: float, budget: list[int],
                 recorder: Recorder, budget_lock: threading.Lock, **work) -> None:
        super().__init__(daemon=True)
        self.kind, self.port, self.deadline, self.budget = kind, port, deadline, budget
        self.recorder, self.budget_lock, self.work = recorder, budget_lock, work
        self.conn = self.connect()
        self.cookie, self.token = "", ""

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(httpbench.HOST, self.port, timeout=60)

    def sign_in_with_token(self, username: str, form_path: str) -> None:
        self.cookie = httpbench.sign_in(self.port, username, "cho40-demo")
        self.conn.request("GET", form_path, headers={"Cookie": self.cookie})
        response = self.conn.getresponse()
        page = response.read().decode()
        for header in response.msg.get_all("Set-Cookie") or ():
            if header.startswith("session="):
                self.cookie = header.split(";")[0]
        found = httpbench.CSRF_FIELD.search(page)
        if found is None:
            raise SystemExit(f"{form_path} has no CSRF token ({response.status})")
        self.token = found.group(1)

    def send(self, method: str, path: str, headers: dict, body: str | bytes | None = None):
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            self.conn.close()
            self.conn = self.connect()
        return status, time.perf_counter() - started

    def run(self) -> None:
        step = getattr(self, f"step_{self.kind}")
        n = 0
        while time.monotonic() < self.deadline:
            with self.budget_lock:
                if self.budget[0] <= 0:
                    break
                self.budget[0] -= 1
            step(n)
            n += 1
        self.conn.close()

    def form_headers(self) -> dict:
        return {"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"}

    def step_edit(self, n: int) -> None:
        stalls = self.work["stalls"]
        stall = stalls[n % len(stalls)]
        zone = f"L{self.work['tag']}-{n}"
        body = urlencode({
            "csrf_token": self.token, "code": stall["code"], "zone": zone, "row": stall["row"],
            "number": "" if stall["number"] is None else stall["number"],
            "category": stall["category"], "status": stall["status"],
        })
        status, elapsed = self.send("POST", f"/stalls/{stall['id']}/edit", self.form_headers(), body)
        if self.recorder.answer("edit", status, elapsed, {302}):
            with self.recorder.lock:
                self.recorder.stall_values[stall["id"]] = zone

    def step_inspect(self, n: int) -> None:
        stalls = self.work["stalls"]
        stall = stalls[(n * 7 + self.work["tag"]) % len(stalls)]
        client_uuid = str(uuid.uuid4())
        body = urlencode({"csrf_token": self.token, "sign_displayed": "yes", "qr_use": ("daily", "sometimes")[n % 2],
                          "reason": "", "note": "load test", "client_uuid": client_uuid})
        status, elapsed = self.send("POST", f"/monitor/stalls/{stall['id']}/inspections/new",
                                    self.form_headers(), body)
        if self.recorder.answer("inspect", status, elapsed, {302}):
            with self.recorder.lock:
                self.recorder.inspections.append(client_uuid)

    def step_webhook(self, n: int) -> None:
        from market.monitor.payments import signature

        bank_bin, account = self.work["accounts"][n % len(self.work["accounts"])]
        transaction = f"load-{uuid.uuid4().hex}"
        body = json.dumps({"transaction_id": transaction, "account_number": account,
                           "bank_bin": bank_bin, "amount": 25000 + n,
                           "paid_at": datetime.now(UTC).isoformat()}).encode()
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Partner": PARTNER,
                   "X-Timestamp": timestamp,
                   "X-Signature": signature(self.work["secret"], timestamp, body)}
        status, elapsed = self.send("POST", "/api/v1/webhooks/payments", headers, body)
        if self.recorder.answer("webhook", status, elapsed, {200, 201}):
            with self.recorder.lock:
                self.recorder.transactions.append(transaction)

    def step_dashboard(self, n: int) -> None:
        paths = self.work["paths"]
        status, elapsed = self.send("GET", paths[n % len(paths)], {"Cookie": self.cookie})
        self.recorder.answer("dashboard", status, elapsed, {200})


def verify(database_url: str, recorder: Recorder) -> dict[str, int]:
    """Acknowledged writes missing from the database, per kind."""
    from sqlalchemy import select

    from market.extensions import db
    from market.models import PaymentNotification, Stall
    from market.models.evidence import Inspection

    missing = {}
    with make_app(database_url).app_context():
        zones = dict(db.session.execute(
            select(Stall.id, Stall.zone).where(Stall.id.in_(list(recorder.stall_values)))).all())
        missing["edit"] = sum(zones.get(i) != z for i, z in recorder.stall_values.items())
        found = set()
        for start in range(0, len(recorder.inspections), 1000):
            chunk = recorder.inspections[start:start + 1000]
            found |= set(db.session.scalars(
                select(Inspection.client_uuid).where(Inspection.client_uuid.in_(chunk))))
        missing["inspect"] = len(set(recorder.inspections) - found)
        found = set()
        for start in range(0, len(recorder.transactions), 1000):
            chunk = recorder.transactions[start:start + 1000]
            found |= set(db.session.scalars(
                select(PaymentNotification.transaction_id)
                .where(PaymentNotification.transaction_id.in_(chunk))))
        missing["webhook"] = len(set(recorder.transactions) - found)
    return missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--editors", type=int, default=2)
    parser.add_argument("--inspectors", type=int, default=2)
    parser.add_argument("--webhooks", type=int, default=2)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--nodes", type=int, default=1, choices=(1, 2))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0",
                        help="shared state of the nodes (with --nodes 2)")
    args = parser.parse_args()

    secret = prepare(args.database_url)
    work = targets(args.database_url)
    env = {"MARKET_SECRET_KEY": "load-test-secret", "MARKET_MONITOR_LIGHT_MINUTES": "1"}
    if args.nodes > 1:
        env |= {"MARKET_REDIS_URL": args.redis_url,
                "MARKET_REDIS_PREFIX": f"load-test-{uuid.uuid4().hex[:8]}"}
    ports = [httpbench.free_port() for _ in range(args.nodes)]
    servers = [httpbench.start_server(args.database_url, port, workers=args.workers, env=env)
               for port in ports]
    schedulers = [subprocess.Popen(
        [str(Path(sys.executable).parent / "flask"), "--app", "market", "scheduler"], cwd=ROOT,
        env={**os.environ, "MARKET_DATABASE_URL": args.database_url, **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ) for _ in ports]
    recorder, budget, budget_lock = Recorder(), [args.max_requests], threading.Lock()
    started_at = datetime.now(UTC)
    try:
        deadline = time.monotonic() + args.seconds
        clients = []
        board = work["board"]
        for i in range(args.editors):  # each editor owns its stalls: the last value must stay
            own = board[i::args.editors]
            port = ports[i % len(ports)]
            client = Client("edit", port, deadline, budget, recorder, budget_lock,
                            stalls=own, tag=i)
            client.sign_in_with_token("demo.bql", f"/stalls/{own[0]['id']}/edit")
            clients.append(client)
        for i in range(args.inspectors):
            port = ports[i % len(ports)]
            client = Client("inspect", port, deadline, budget, recorder, budget_lock,
                            stalls=work["team"], tag=i)
            client.sign_in_with_token(
                "demo.to", f"/monitor/stalls/{work['team'][0]['id']}/inspections/new")
            clients.append(client)
        for i in range(args.webhooks):
            clients.append(Client("webhook", ports[i % len(ports)], deadline, budget, recorder, budget_lock,
                                  accounts=work["accounts"], secret=secret))
        paths = [f"/dashboard/units/{work['unit']}",
                 *(f"/dashboard/markets/{m}" for m in work["markets"][:2])]
        for i in range(args.readers):
            port = ports[i % len(ports)]
            client = Client("dashboard", port, deadline, budget, recorder, budget_lock,
                            paths=paths[i:] + paths[:i])
            client.cookie = httpbench.sign_in(port, "demo.xa", "cho40-demo")
            clients.append(client)
        wall = time.monotonic()
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        wall = time.monotonic() - wall
    finally:
        for server in servers:
            httpbench.stop_server(server)
        for scheduler in schedulers:
            scheduler.terminate()
        for scheduler in schedulers:
            scheduler.wait(timeout=60)

    missing = verify(args.database_url, recorder)
    runs = scheduler_runs(args.database_url, started_at)
    everything = [x for values in recorder.latencies.values() for x in values]
    print(f"load test: {wall:.0f} s, {args.nodes} node(s) of {args.workers} gunicorn workers"
          f"{' sharing Redis' if args.nodes > 1 else ''}, PostgreSQL, {args.nodes} scheduler(s) "
          f"with a 1-minute light refresh ({runs})")
    print(f"{'kind':<10} {'ok':>7} {'errors':>6} {'missing':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for kind in ("edit", "inspect", "webhook", "dashboard"):
        values = recorder.latencies[kind]
        print(f"{kind:<10} {len(values):>7} {len(recorder.errors[kind]):>6} "
              f"{missing.get(kind, 0) if kind != 'dashboard' else '-':>7} "
              + " ".join(f"{httpbench.percentile(values, q) * 1000:>7.0f}" for q in (.5, .95, .99)))
    errors = sum(len(e) for e in recorder.errors.values())
    lost = sum(missing.values())
    print(f"{'all':<10} {len(everything):>7} {errors:>6} {lost:>7} "
          + " ".join(f"{httpbench.percentile(everything, q) * 1000:>7.0f}" for q in (.5, .95, .99)))
    print(f"throughput: {len(everything) / wall:.1f} requests/s")
    for kind, statuses in recorder.errors.items():
        if statuses:
            print(f"  {kind} error statuses: {sorted(set(statuses))}")
    print("PASS" if errors == 0 and lost == 0 else "FAIL")
    sys.exit(0 if errors == 0 and lost == 0 else 1)


def scheduler_runs(database_url: str, since: datetime) -> str:
    from sqlalchemy import func, select

    from market.extensions import db
    from market.models import JobRun

    with make_app(database_url).app_context():
        rows = db.session.execute(
            select(JobRun.job, JobRun.status, func.count())
            .where(JobRun.started_at >= since).group_by(JobRun.job, JobRun.status)).all()
    return ", ".join(f"{job.value} {status.value}: {count}" for job, status, count in rows) or "no runs"


if __name__ == "__main__":
    main()
