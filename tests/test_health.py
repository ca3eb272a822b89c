"""/healthz answers 200 when everything answers and names what does not."""
from app import create_app
from app.extensions import db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok", "storage": "ok"}


def test_redis_down_is_named(config):
    app = create_app({**config, "REDIS_URL": "redis://127.0.0.1:1/0"})
    with app.app_context():
        db.create_all()
        response = app.test_client().get("/healthz")
        db.drop_all()
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["redis"]


def test_database_down_is_named(config):
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["database"]


def test_storage_down_is_named(app, client):
    import shutil

    shutil.rmtree(app.config["STORAGE_ROOT"])  # the disk (or mount) went away
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["storage"]
