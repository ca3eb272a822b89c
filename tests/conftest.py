"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

`make test` starts a throwaway PostgreSQL and Redis and exports TEST_DATABASE_URL and
TEST_REDIS_URL. Run bare (`pytest`), the PostgreSQL half is skipped unless
REQUIRE_ALL_BACKENDS=1, in which case a missing server fails the run.
"""
import os
import re
import socket
import uuid
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from rq import SimpleWorker

from app import create_app
from app.extensions import db as _db
from app.models import Campaign, User
from app.queue import get_queue, get_redis

# Browser fixtures (Chromium, live server, real worker) live in tests/browser.py.
pytest_plugins = ["tests.browser"]

ROOT = Path(__file__).resolve().parent.parent
# The team's real-world corpus sits beside the checkout (CI lays a copy there too).
CORPUS = Path(os.environ.get("CORPUS_DIR", ROOT.parent / "shared" / "corpus"))
if not (CORPUS / "MANIFEST.tsv").exists():
    raise RuntimeError(f"the image corpus is missing at {CORPUS}; set CORPUS_DIR to its folder")
PASSWORD = "correct horse battery"


def require(variable, what):
    """The value of an environment variable a backend needs, or skip/fail the test."""
    value = os.environ.get(variable)
    if not value:
        if os.environ.get("REQUIRE_ALL_BACKENDS") == "1":
            pytest.fail(f"{variable} is not set: {what} must run in this suite")
        pytest.skip(f"{variable} not set ({what}); `make test` provides it")
    return value


def free_port():
    """An unused TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """moto's S3 API over real HTTP on a loopback port (it stands in for AWS only)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """One run per database backend."""
    if request.param == "postgresql":
        return require("TEST_DATABASE_URL", "PostgreSQL")
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def redis_url():
    """The throwaway Redis of `make test`."""
    return require("TEST_REDIS_URL", "Redis")


@pytest.fixture
def config(database_url, redis_url, tmp_path):
    """Test settings, passed to create_app as a mapping."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "QUEUE_NAME": f"test-{uuid.uuid4().hex[:8]}",
        "STORAGE_BACKEND": "local",
        "STORAGE_ROOT": str(tmp_path / "storage"),
        "MODERATION_PROVIDER": "none",  # moderation tests choose their own
        "MODERATION_BACKOFF": 0,
    }


class FreshGlobalsClient(FlaskClient):
    """Each request starts with an empty `g`, as it does in production.

    Tests hold one app context open for database access, and Flask reuses it for the
    requests they make, so `g` (Flask-Login's user, Flask-WTF's token) would leak between
    two clients acting as different people.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(config):
    """An app with a fresh schema, dropped again afterwards."""
    app = create_app(config)
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client that knows how to log in and send the CSRF token."""
    return Client(app)


@pytest.fixture
def runner(app):
    """A CLI runner for `flask ...` commands."""
    return app.test_cli_runner()


@pytest.fixture
def creator(app):
    """A creator account."""
    return make_user("creator@example.org")


@pytest.fixture
def other_creator(app):
    """A second creator, who must never see the first one's things."""
    return make_user("other@example.org")


@pytest.fixture
def admin(app):
    """An admin account."""
    return make_user("admin@example.org", role="admin")


@pytest.fixture
def campaign(creator):
    """A campaign owned by `creator`."""
    campaign = Campaign(owner=creator, title="Clean water", slug="clean-water",
                        summary="Wells for the valley.", story="We dig.")
    _db.session.add(campaign)
    _db.session.commit()
    return campaign


def make_user(email, role="creator"):
    """Create and return a user with the shared test password."""
    user = User(email=email, role=role)
    user.set_password(PASSWORD)
    _db.session.add(user)
    _db.session.commit()
    return user


def run_jobs():
    """Run every queued job in this process (a real RQ worker, burst mode)."""
    SimpleWorker([get_queue()], connection=get_redis()).work(burst=True)


class Client:
    """Flask's test client plus login and automatic CSRF tokens, as a browser would send."""

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()
        self.csrf = None

    def __getattr__(self, name):
        return getattr(self.http, name)

    def fetch_token(self, path="/login"):
        """Read the CSRF token the way a page's form would carry it."""
        html = self.http.get(path).get_data(as_text=True)
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
        return self.csrf

    def login(self, user_or_email, password=PASSWORD):
        """Log in through the real form; return the response."""
        email = getattr(user_or_email, "email", user_or_email)
        self.fetch_token()
        return self.http.post("/login", data={"email": email, "password": password,
                                              "csrf_token": self.csrf})

    def form(self, path, data=None, **kwargs):
        """POST a form with its CSRF token."""
        return self.http.post(path, data={**(data or {}), "csrf_token": self.csrf}, **kwargs)

    def api(self, path, json=None, method="POST"):
        """Call the JSON API with the CSRF header, as the uploader does."""
        return self.http.open(path, method=method, json=json or {},
                              headers={"X-CSRFToken": self.csrf})


@pytest.fixture(scope="session")
def big_jpeg(tmp_path_factory):
    """A real ~20 MB JPEG (seeded noise at quality 100 does not compress): four parts."""
    import random

    from PIL import Image

    width, height = 2720, 1800
    pixels = random.Random(20).randbytes(width * height * 3)
    path = tmp_path_factory.mktemp("big") / "big-photo.jpg"
    Image.frombytes("RGB", (width, height), pixels).save(path, "JPEG", quality=100, subsampling=0)
    return path
