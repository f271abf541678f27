"""Every test writes its own snapshots: the pages check for new ones on every request."""
import pytest


@pytest.fixture(autouse=True)
def _fresh_figures(request):
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    app.config["DASHBOARD_VERSION_CHECK_SECONDS"] = 0
    yield
    app.config.pop("DASHBOARD_VERSION_CHECK_SECONDS", None)
