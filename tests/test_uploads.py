"""One image all the way through the API and the worker, and every way it can go wrong."""

import pytest

from app import create_app, states
from app.extensions import db
from app.models import Image
from app.storage import get_storage

from .conftest import CORPUS, run_jobs

PHOTO = CORPUS / "files" / "orientation" / "Landscape_6.jpg"  # 1800x1200 upright, EXIF 6


def start(client, campaign, data, placement="hero", name="photo.jpg", content_type="image/jpeg",
          size=None):
    return client.api("/api/uploads", {
        "campaign_id": campaign.id, "placement": placement, "filename": name,
        "size": len(data) if size is None else size, "content_type": content_type})


def put(client, started, data):
    """Send the whole file with the first signed request (files here are single PUTs)."""
    upload = started["parts"][0]
    return client.http.open(upload["url"], method=upload["method"], data=data,
                            headers=upload["headers"])


def upload_photo(client, campaign, name="photo.jpg", path=PHOTO):
    """Start, send and complete one single-PUT upload; return the started upload."""
    data = path.read_bytes()
    started = start(client, campaign, data, name=name).get_json()
    assert put(client, started, data).status_code == 200
    assert client.api(started["urls"]["complete"]).status_code == 202
    return started


@pytest.fixture
def logged_in(client, creator):
    client.login(creator)
    return client


def test_hero_goes_all_the_way_to_the_public_page(logged_in, campaign):
    data = PHOTO.read_bytes()
    started = start(logged_in, campaign, data).get_json()
    assert started["strategy"] == "single"
    image = db.session.get(Image, started["image_id"])
    assert image.state == states.PENDING_UPLOAD
    assert image.original_key.startswith(f"originals/{campaign.id}/")
    assert "photo" not in image.original_key  # the server chooses keys, never the file name
    assert put(logged_in, started, data).status_code == 200

    done = logged_in.api(started["urls"]["complete"])
    assert done.status_code == 202 and done.get_json()["queued"] is True
    assert db.session.get(Image, image.id).state == states.UPLOADED
    card = logged_in.get(started["urls"]["card"]).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in card  # polls while work runs

    run_jobs()
    db.session.expire_all()
    image = db.session.get(Image, image.id)
    assert image.state == states.READY
    assert (image.width, image.height) == (1800, 1200)
    assert sorted((v.width, v.format) for v in image.variants) == [
        (200, "jpeg"), (200, "webp"), (800, "jpeg"), (800, "webp"), (1800, "jpeg"), (1800, "webp")]
    card = logged_in.get(started["urls"]["card"])
    assert "hx-trigger" not in card.get_data(as_text=True)  # final: polling stops
    assert "HX-Request" in card.headers["Vary"]

    page = logged_in.get("/c/clean-water").get_data(as_text=True)
    for variant in image.variants:
        assert get_storage().public_url(variant.key) in page
        served = logged_in.get(get_storage().public_url(variant.key))
        assert served.status_code == 200 and len(served.data) == variant.bytes
    assert image.original_key not in page


def test_completing_twice_is_harmless(logged_in, campaign):
    data = PHOTO.read_bytes()
    started = start(logged_in, campaign, data).get_json()
    put(logged_in, started, data)
    assert logged_in.api(started["urls"]["complete"]).status_code == 202
    assert logged_in.api(started["urls"]["complete"]).status_code == 202
    run_jobs()
    db.session.expire_all()
    image = db.session.get(Image, started["image_id"])
    assert image.state == states.READY and len(image.variants) == 6


def test_size_other_than_declared_is_refused_and_removed(logged_in, campaign):
    data = PHOTO.read_bytes()
    started = start(logged_in, campaign, data).get_json()
    image = db.session.get(Image, started["image_id"])
    get_storage().put(image.original_key, data[:1000], "image/jpeg")  # not what was declared
    response = logged_in.api(started["urls"]["complete"])
    assert response.status_code == 400
    assert response.get_json()["code"] == "size_mismatch"
    assert "expected" in response.get_json()["error"]
    assert get_storage().head(image.original_key) is None
    assert db.session.get(Image, image.id).state == states.PENDING_UPLOAD


def test_bytes_that_are_not_a_photo_are_refused_and_removed(logged_in, campaign):
    data = b"%PDF-1.7 this is a document" * 100
    started = start(logged_in, campaign, data, name="photo.jpg").get_json()
    assert put(logged_in, started, data).status_code == 200
    response = logged_in.api(started["urls"]["complete"])
    assert response.status_code == 415 and response.get_json()["code"] == "unsupported_type"
    image = db.session.get(Image, started["image_id"])
    assert get_storage().head(image.original_key) is None
    assert image.state == states.PENDING_UPLOAD


def test_completing_before_the_bytes_arrive(logged_in, campaign):
    started = start(logged_in, campaign, b"x" * 10).get_json()
    response = logged_in.api(started["urls"]["complete"])
    assert response.status_code == 409 and "haven't received" in response.get_json()["error"]
    assert response.get_json()["code"] == "incomplete"


@pytest.mark.parametrize("body,message", [
    ({"placement": "banner"}, "Placement must be"),
    ({"size": 0}, "empty"),
    ({"size": 51 * 1024 * 1024}, "up to 52 MB"),
    ({"content_type": "application/pdf"}, "JPEG, PNG or HEIC"),
])
def test_bad_upload_requests_create_nothing(logged_in, campaign, body, message):
    request = {"campaign_id": campaign.id, "placement": "hero", "filename": "a.jpg",
               "size": 1000, "content_type": "image/jpeg", **body}
    response = logged_in.api("/api/uploads", request)
    assert 400 <= response.status_code < 500
    assert message in response.get_json()["error"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Image)) == 0


def test_another_creators_campaign_and_image_are_refused(client, other_creator, creator, campaign):
    client.login(creator)
    data = PHOTO.read_bytes()
    started = start(client, campaign, data).get_json()
    intruder = type(client)(client.app)
    intruder.login(other_creator)
    assert start(intruder, campaign, data).status_code == 404
    assert intruder.api(started["urls"]["complete"]).status_code == 404
    assert intruder.get(started["urls"]["card"]).status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Image)) == 1


def test_redis_down_keeps_the_image_uploaded_until_it_is_back(config, creator, campaign):
    data = PHOTO.read_bytes()
    down = create_app({**config, "REDIS_URL": "redis://127.0.0.1:1/0"})
    with down.app_context():
        from .conftest import Client

        client = Client(down)
        client.login(creator.email)
        started = start(client, campaign, data).get_json()
        put(client, started, data)
        response = client.api(started["urls"]["complete"])
        assert response.status_code == 202
        assert response.get_json()["queued"] is False
        assert "Processing will start shortly" in response.get_json()["message"]
        db.session.remove()
    # Redis is back: the worker's start-up sweep queues what was left waiting.
    from app.services.images import requeue_stranded
    from datetime import timedelta

    db.session.expire_all()
    assert db.session.get(Image, started["image_id"]).state == states.UPLOADED
    assert requeue_stranded(older_than=timedelta(0)) == 1
    run_jobs()
    db.session.expire_all()
    assert db.session.get(Image, started["image_id"]).state == states.READY


def test_a_photo_too_small_for_the_hero_is_rejected_with_advice(logged_in, campaign):
    data = (CORPUS / "files" / "jpeg_meta" / "iptc.jpg").read_bytes()  # 640x480
    started = start(logged_in, campaign, data).get_json()
    put(logged_in, started, data)
    logged_in.api(started["urls"]["complete"])
    run_jobs()
    db.session.expire_all()
    image = db.session.get(Image, started["image_id"])
    assert image.state == states.REJECTED and image.error_code == "too_small"
    card = logged_in.get(started["urls"]["card"]).get_data(as_text=True)
    assert "640 × 480" in card and "1200 × 600" in card
    assert image.variants == []


def test_storage_failure_during_processing_fails_cleanly(logged_in, campaign, monkeypatch):
    data = PHOTO.read_bytes()
    started = start(logged_in, campaign, data).get_json()
    put(logged_in, started, data)
    logged_in.api(started["urls"]["complete"])
    storage = get_storage()
    real_put = storage.put
    calls = []

    def flaky_put(key, *args, **kwargs):
        calls.append(key)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_put(key, *args, **kwargs)

    monkeypatch.setattr(storage, "put", flaky_put)
    run_jobs()  # the worker survives and records the failure
    db.session.expire_all()
    image = db.session.get(Image, started["image_id"])
    assert image.state == states.FAILED and image.error_code == "storage_error"
    assert image.variants == []
    for key in calls[:2]:
        assert storage.head(key) is None  # what this attempt wrote is gone again


def test_a_failed_photo_can_be_tried_again(logged_in, campaign, monkeypatch):
    started = upload_photo(logged_in, campaign)
    storage = get_storage()
    real_put = storage.put
    monkeypatch.setattr(storage, "put", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    run_jobs()
    db.session.expire_all()
    assert db.session.get(Image, started["image_id"]).state == states.FAILED
    card = logged_in.get(started["urls"]["card"]).get_data(as_text=True)
    assert "Try again" in card and "/retry" in card
    monkeypatch.setattr(storage, "put", real_put)  # the disk has room again
    again = logged_in.form(f"/images/{started['image_id']}/retry", headers={"HX-Request": "true"})
    assert again.status_code == 200 and 'hx-trigger="every 1s"' in again.get_data(as_text=True)
    run_jobs()
    db.session.expire_all()
    assert db.session.get(Image, started["image_id"]).state == states.READY
    refused = logged_in.form(f"/images/{started['image_id']}/retry")
    assert refused.status_code == 409


def test_images_whose_worker_died_are_marked_failed(logged_in, campaign):
    from datetime import timedelta

    from app.models import utcnow
    from app.services.images import fail_stuck

    started = upload_photo(logged_in, campaign)
    image = db.session.get(Image, started["image_id"])
    assert image.claim(states.UPLOADED, states.PROCESSING)  # a worker took it, then died
    assert fail_stuck(timedelta(minutes=10)) == 0  # too early to tell
    image.updated_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    assert fail_stuck(timedelta(minutes=10)) == 1
    db.session.expire_all()
    image = db.session.get(Image, started["image_id"])
    assert image.state == states.FAILED and image.error_code == "processing_timeout"
