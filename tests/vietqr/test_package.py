"""The codec stands alone: no Flask, no imports from the rest of the app, a tidy public API."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import market.vietqr

PACKAGE = Path(market.vietqr.__file__).parent


def test_no_module_imports_flask_or_the_app():
    for module in PACKAGE.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
            else:
                continue
            for name in names:
                assert not name.startswith(("flask", "market")), (module.name, name)


def test_copied_package_works_without_flask(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "vietqr", ignore=shutil.ignore_patterns("__pycache__"))
    script = (
        "import sys, vietqr\n"
        "p = vietqr.encode('970403', '0011012345678')\n"
        "assert vietqr.decode(p).bank.short_name == 'Sacombank'\n"
        "import vietqr.render, vietqr.read, vietqr.cli\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('flask', 'market')]\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_public_api_is_exported():
    for name in market.vietqr.__all__:
        assert getattr(market.vietqr, name).__doc__, name
