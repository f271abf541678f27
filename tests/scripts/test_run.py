"""``scripts/run`` for real: it prints the address last, logs requests to a file, and Ctrl-C
or SIGTERM stops the web server AND the scheduler (nothing of it left running)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM])
def test_run_prints_the_address_last_and_a_signal_stops_everything(tmp_path, stop_with):
    port = free_port()
    env = {**os.environ, "MARKET_SKIP_SETUP": "1",
           "MARKET_VENV": str(Path(sys.executable).parents[1]), "MARKET_PORT": str(port), "MARKET_WORKERS": "1", "MARKET_INSTANCE_PATH": str(tmp_path),
           "MARKET_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "PYTHONPATH": str(ROOT)}
    script = subprocess.Popen([str(ROOT / "scripts" / "run")], cwd=ROOT, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    running: set[int] = set()
    try:
        output = []
        for line in script.stdout:
            output.append(line)
            if "is running at" in line:
                break
        assert output and f"http://127.0.0.1:{port}/" in output[-1], "".join(output[-30:])
        assert "demo.bql" in "".join(output[-15:])  # the logins just above the address
        urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10).read()
        running = descendants(script.pid)
        commands = {Path(f"/proc/{pid}/cmdline").read_bytes() for pid in running if alive(pid)}
        assert any(b"scheduler" in c for c in commands) and any(b"gunicorn" in c for c in commands)
        deadline = time.monotonic() + 10
        while not (tmp_path / "access.log").exists() or "GET /login" not in (
                tmp_path / "access.log").read_text():
            assert time.monotonic() < deadline, "no access log under the instance folder"
            time.sleep(0.2)
        assert not any("GET /login" in line for line in output)

        script.send_signal(stop_with)
        script.wait(timeout=60)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in running) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in running if alive(pid)] == []
    finally:
        for pid in descendants(script.pid) | running | {script.pid}:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
