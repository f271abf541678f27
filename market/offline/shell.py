"""The app shell the service worker keeps on the phone: every static file the pages use,
each with a revision so a changed file replaces the kept one and nothing else is fetched."""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from market import PROJECT_ROOT

STATIC = PROJECT_ROOT / "static"
# Not used by the pages (documentation pictures), or loaded by the worker itself.
LEFT_OUT = ("screenshots", "vendor")
SHELL_SUFFIXES = {".css", ".js", ".svg", ".png", ".woff2"}

# The pages of the team's route, kept when the worklist is opened (regular expressions on
# the path): the worklist, a stall's page, its inspection form and its visit form.
ROUTE_PAGES = (
    r"^/dashboard/markets/\d+/worklist$",
    r"^/stalls/\d+$",
    r"^/monitor/stalls/\d+/inspections/new$",
    r"^/dashboard/stalls/\d+/visit$",
)


def _revision(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _shell_files() -> list[Path]:
    return sorted(
        path for path in STATIC.rglob("*")
        if path.is_file() and path.suffix in SHELL_SUFFIXES
        and path.relative_to(STATIC).parts[0] not in LEFT_OUT
    )


@cache
def _manifest_of(stamp: tuple[tuple[str, float], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((f"/static/{name}", _revision(STATIC / name)) for name, _mtime in stamp)


def shell_manifest() -> list[dict[str, str]]:
    """``[{"url", "revision"}]`` of the static files, as Workbox's precache reads it."""
    stamp = tuple((p.relative_to(STATIC).as_posix(), p.stat().st_mtime) for p in _shell_files())
    return [{"url": url, "revision": revision} for url, revision in _manifest_of(stamp)]


def page_revision(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()[:16]
