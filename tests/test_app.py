"""The application boots, reports its health and fails politely."""
import subprocess
import sys

from market import create_app


def test_app_boots_with_no_configuration_at_all(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "MARKET_INSTANCE_PATH": str(tmp_path), "HOME": str(tmp_path)}
    code = (
        "from market import create_app; app = create_app(); "
        "print(app.config['SQLALCHEMY_DATABASE_URI']); print(len(app.config['SECRET_KEY']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    url, key_length = result.stdout.split()
    assert url == f"sqlite:///{tmp_path / 'market.db'}"
    assert key_length == "64"
    assert (tmp_path / "secret_key").read_text().strip()


def test_secret_key_is_created_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("MARKET_SECRET_KEY", raising=False)
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_configures_with_market_prefix(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("MARKET_DATABASE_URL", "postgresql://someone@db.example/market")
    monkeypatch.setenv("MARKET_SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db.example/market"
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["TIMEZONE"] == "Asia/Ho_Chi_Minh"


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"


def test_database_down_gives_a_503_page_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_INSTANCE_PATH", str(tmp_path))
    # Nothing listens on this port: every query fails to connect.
    app = create_app({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none", "SECRET_KEY": "x"})
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json["database"] == "unreachable"
    page = client.get("/v/a-vendor-link")  # a public page that reads the database
    assert page.status_code == 503
    assert "cơ sở dữ liệu" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)
