"""Running the app for the benchmark, load and fault scripts: a database of their own
(created and migrated), gunicorn on loopback, a signed-in session, and keep-alive
``http.client`` clients bounded in time and request count.

    sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
    import httpbench

    port = httpbench.free_port()
    server = httpbench.start_server(database_url, port, workers=2)
    try:
        cookie = httpbench.sign_in(port, "bench-user", "password")
        result = httpbench.drive(port, "/healthz", {"Cookie": cookie}, threads=4, seconds=8,
                                 max_requests=5000)
    finally:
        httpbench.stop_server(server)
"""
from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
FLASK = Path(sys.executable).parent / "flask"


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database when it does not exist yet (through ``postgres``)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                 {"n": target.database}):
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def flask(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``flask --app market ARGS`` against the database at ``url``."""
    done = subprocess.run([str(FLASK), "--app", "market", *args], cwd=ROOT, check=False,
                          env={**os.environ, "MARKET_DATABASE_URL": url},
                          capture_output=True, text=True)
    if check and done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(database_url: str, port: int, workers: int, *, threads: int | None = None,
                 keep_alive: int | None = None, env: dict[str, str] | None = None,
                 wait: float = 60) -> subprocess.Popen:
    """Start gunicorn on ``port`` against ``database_url`` and wait until ``/healthz`` answers.

    ``threads`` selects threaded workers with that many threads each; ``env`` adds to (or
    overrides) the environment, e.g. ``MARKET_SECRET_KEY``.
    """
    command = [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"{HOST}:{port}",
               "--workers", str(workers), "--log-level", "warning"]
    if threads:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    if keep_alive:
        command += ["--keep-alive", str(keep_alive)]
    server = subprocess.Popen(
        [*command, "market:create_app()"], cwd=ROOT,
        env={**os.environ, "MARKET_DATABASE_URL": database_url, **(env or {})},
    )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            status, _ = request(http.client.HTTPConnection(HOST, port, timeout=5), "/healthz")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer /healthz within {wait:g} s")


def stop_server(server: subprocess.Popen) -> None:
    """Stop gunicorn gracefully and wait for it."""
    server.terminate()
    server.wait(timeout=30)


def request(conn: http.client.HTTPConnection, path: str, headers: dict | None = None,
            method: str = "GET", body: str | None = None) -> tuple[int, http.client.HTTPResponse]:
    """Send one request on ``conn`` and read the whole answer, so the connection stays usable."""
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    response.read()
    return response.status, response


def sign_in(port: int, username: str, password: str) -> str:
    """The ``session=...`` cookie of ``username``, signed in through the real form (CSRF too)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/login")
    page = conn.getresponse()
    token = CSRF_FIELD.search(page.read().decode())
    if token is None:
        raise SystemExit("the sign-in page has no CSRF token")
    body = urlencode({"csrf_token": token.group(1), "username": username, "password": password})
    status, response = request(conn, "/login", {
        "Cookie": session_cookie(page), "Content-Type": "application/x-www-form-urlencoded",
    }, "POST", body)
    if status != 302:
        raise SystemExit(f"sign-in of {username} failed with {status}")
    return session_cookie(response)


def session_cookie(response: http.client.HTTPResponse) -> str:
    """The ``session=...`` pair the server set in ``response``."""
    for header in response.msg.get_all("Set-Cookie") or ():
        if header.startswith("session="):
            return header.split(";")[0]
    raise SystemExit("the server set no session cookie")


@dataclass
class Result:
    """One timed drive: wall time, the latency of every 200 answer, and the other answers."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def drive(port: int, paths: str | Sequence[str], headers: dict, threads: int, seconds: float,
          max_requests: int, *, timeout: float = 30, connection_per_request: bool = False
          ) -> Result:
    """Request ``paths`` from ``threads`` keep-alive connections until ``seconds`` have passed
    or ``max_requests`` have been sent, whichever comes first.

    With several paths each client cycles through them from its own starting point, so that
    the clients do not all ask for the same one at once. A failed connection counts as an
    error and is reopened. ``connection_per_request`` opens a connection for each request, as
    a reverse proxy does by default: gunicorn's workers then share the requests, where a few
    keep-alive connections stay with the worker that accepted them (often all with one).
    """
    paths = [paths] if isinstance(paths, str) else list(paths)
    result, lock = Result(), threading.Lock()
    deadline = time.monotonic() + seconds
    budget = [max_requests]

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        sent = offset
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            path = paths[sent % len(paths)]
            sent += 1
            started = time.perf_counter()
            try:
                status, _ = request(conn, path, headers)
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
            elapsed = time.perf_counter() - started
            if connection_per_request:
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
            with lock:
                if status == 200:
                    result.latencies.append(elapsed)
                else:
                    result.errors += 1
        conn.close()

    workers = [threading.Thread(target=client, args=(i * 7,)) for i in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    result.seconds = time.monotonic() - started
    return result


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which ``share`` (0–1) of ``values`` lie; 0 when there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _stat(pid: int) -> list[str]:
    """``/proc/PID/stat`` after the command name: [state, ppid, ...] (fields 3 onwards)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by ``root`` and all its descendants: those alive
    now, and those gone once their parent has waited for them (the kernel adds a reaped
    child's time to its parent's). A PostgreSQL backend or a gunicorn worker that ends
    during a measure is then still counted, and one that starts is counted too (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")

    def used(pid: int) -> int:
        try:
            fields = _stat(pid)
            ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
            return ticks + sum(used(child) for child in _children(pid))
        except (OSError, ValueError):
            return 0  # gone meanwhile: its parent has (or will have) its time

    return used(root) / tick


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of one process and its threads so far, not its children."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postmaster() -> int | None:
    """The pid of this machine's PostgreSQL server (the postgres process whose parent is not
    one), or None (Linux)."""
    for entry in Path("/proc").iterdir():
        try:
            if (entry.name.isdigit() and (entry / "comm").read_text().startswith("postgres")
                    and not (Path(f"/proc/{_stat(int(entry.name))[1]}/comm").read_text()
                             .startswith("postgres"))):
                return int(entry.name)
        except OSError:
            pass
    return None


class Cores:
    """Cores used, on average, by groups of processes over a stretch of time, each group given
    by a function answering its CPU seconds so far:
    ``with Cores({"web": lambda: tree_cpu_seconds(server.pid), ...}) as used: ...`` then
    ``used.cores["web"]`` (and the CPU seconds themselves, ``used.seconds["web"]``)."""

    def __init__(self, groups: dict[str, Callable[[], float]]) -> None:
        self.groups = groups
        self.cores: dict[str, float] = {}
        self.seconds: dict[str, float] = {}

    def __enter__(self) -> Self:
        self.started = time.monotonic()
        self.before = {name: cpu() for name, cpu in self.groups.items()}
        return self

    def __exit__(self, *exc) -> None:
        elapsed = time.monotonic() - self.started
        self.seconds = {name: cpu() - self.before[name] for name, cpu in self.groups.items()}
        self.cores = {name: used / elapsed for name, used in self.seconds.items()}
