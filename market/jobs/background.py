"""Starting a job run from a web page in its own process: a full run over millions of stalls
takes minutes, longer than a web worker may hold a request."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

from flask import current_app

from market import PROJECT_ROOT
from market.models.adoption import JobKind


def start_run(job: JobKind, day: date) -> int:
    """Launch ``flask monitor run`` for ``job`` and ``day`` with this app's database; returns
    the process id. The run records itself; the runs page shows how it went."""
    config = current_app.config
    env = dict(
        os.environ,
        MARKET_DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
        MARKET_INSTANCE_PATH=current_app.instance_path,
        MARKET_SECRET_KEY=config["SECRET_KEY"],
    )
    command = [sys.executable, "-m", "flask", "--app", "market", "monitor", "run",
               "--date", day.isoformat(), "--job", job.value, "--trigger", "web"]
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, start_new_session=True,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return process.pid
