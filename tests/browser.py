"""Fixtures for tests in real headless Chromium: a live server, a real worker, a browser."""
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (which cannot download browsers here)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        if os.environ.get("REQUIRE_ALL_BACKENDS") == "1":
            pytest.fail(f"no Chromium at {executable}")
        pytest.skip(f"no Chromium at {executable}; `make test` installs it")
    playwright = playwright_api.sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                         args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a free loopback port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def worker(app):
    """A real `python worker.py` process on the test's database, Redis, queue and storage."""
    env = dict(
        os.environ,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"],
        QUEUE_NAME=app.config["QUEUE_NAME"],
        STORAGE_BACKEND=app.config["STORAGE_BACKEND"],
        STORAGE_ROOT=app.config["STORAGE_ROOT"],
        SECRET_KEY=app.config["SECRET_KEY"],
        S3_BUCKET=app.config.get("S3_BUCKET") or "",
        S3_REGION=app.config.get("S3_REGION") or "us-east-1",
        S3_ENDPOINT_URL=app.config.get("S3_ENDPOINT_URL") or "",
        # The make-run default, for real: NudeNet in RQ's forked work horses.
        MODERATION_PROVIDER="nudenet",
    )
    process = subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(0.5)
    yield process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)  # shown by pytest when a test fails


def log_in(page, base, user, password):
    """Log in through the real form."""
    page.goto(f"{base}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", password)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{base}/")
