"""Multipart uploads through the API: planning, parts, resume, cancel, stale clean-up."""
from datetime import timedelta

import pytest

from app import states
from app.extensions import db
from app.models import Image, Upload, utcnow
from app.services.uploads import PART_SIZE, clean_stale
from app.storage import get_storage

from .conftest import Client, run_jobs


@pytest.fixture
def logged_in(client, creator):
    client.login(creator)
    return client


def start(client, campaign, size, **extra):
    return client.api("/api/uploads", {"campaign_id": campaign.id, "placement": "hero",
                                       "filename": "big-photo.jpg", "size": size,
                                       "content_type": "image/jpeg", **extra})


def send_part(client, upload, data, number):
    """Sign one part through the API, then PUT its bytes as the browser would."""
    signed = client.api(upload["urls"]["parts"], {"parts": [number]}).get_json()["parts"][0]
    offset = (number - 1) * upload["part_size"]
    return client.http.open(signed["url"], method="PUT", headers=signed["headers"],
                            data=data[offset:offset + upload["part_size"]]).status_code


def test_a_20_mb_photo_goes_up_in_parts_and_is_processed(logged_in, campaign, big_jpeg):
    data = big_jpeg.read_bytes()
    response = start(logged_in, campaign, len(data))
    assert response.status_code == 201
    upload = response.get_json()
    assert upload["strategy"] == "multipart" and upload["part_size"] == PART_SIZE
    assert upload["part_count"] == -(-len(data) // PART_SIZE) == 4
    assert [p["number"] for p in upload["parts"]] == [1, 2, 3, 4]  # the first URLs come along
    for number in range(1, 5):
        assert send_part(logged_in, upload, data, number) == 200
    stored = logged_in.get(upload["urls"]["parts"]).get_json()["parts"]
    assert [p["number"] for p in stored] == [1, 2, 3, 4]
    assert sum(p["size"] for p in stored) == len(data)
    done = logged_in.api(upload["urls"]["complete"])
    assert done.status_code == 202 and done.get_json()["queued"]
    assert logged_in.api(upload["urls"]["complete"]).status_code == 202  # twice is harmless
    run_jobs()
    db.session.expire_all()
    image = db.session.get(Image, upload["image_id"])
    assert image.state == states.READY and image.bytes == len(data)
    with get_storage().open(image.original_key) as stream:
        assert stream.read() == data


def test_resume_sends_only_the_missing_parts(logged_in, campaign, big_jpeg):
    data = big_jpeg.read_bytes()
    upload = start(logged_in, campaign, len(data)).get_json()
    send_part(logged_in, upload, data, 1)
    send_part(logged_in, upload, data, 3)
    # The page reloads; the browser asks what storage already holds.
    described = logged_in.get(upload["urls"]["parts"]).get_json()
    assert described["state"] == "open"
    assert [p["number"] for p in described["parts"]] == [1, 3]
    early = logged_in.api(upload["urls"]["complete"])
    assert early.status_code == 409 and early.get_json()["code"] == "incomplete"
    assert "missing part 2, 4" in early.get_json()["error"]
    send_part(logged_in, upload, data, 2)
    send_part(logged_in, upload, data, 4)
    assert logged_in.api(upload["urls"]["complete"]).status_code == 202


def test_a_cut_off_part_does_not_count_as_stored(logged_in, campaign, big_jpeg):
    data = big_jpeg.read_bytes()
    upload = start(logged_in, campaign, len(data)).get_json()
    upload_row = db.session.get(Upload, upload["id"])
    storage = get_storage()
    signed = storage.presign_part(upload_row.image.original_key, upload_row.multipart_id, 1,
                                  PART_SIZE, 60)
    logged_in.http.put(signed.url, data=data[:1000])  # the connection dropped after 1000 bytes
    assert logged_in.get(upload["urls"]["parts"]).get_json()["parts"] == []


@pytest.mark.parametrize("body,code", [
    ({"parts": [0]}, "part_out_of_range"),
    ({"parts": [5]}, "part_out_of_range"),
    ({"parts": ["1"]}, "part_out_of_range"),
    ({"parts": list(range(1, 102))}, "too_many_parts"),
    ({"parts": []}, None),
    ({}, None),
])
def test_bad_part_requests_are_refused(logged_in, campaign, big_jpeg, body, code):
    upload = start(logged_in, campaign, big_jpeg.stat().st_size).get_json()
    response = logged_in.api(upload["urls"]["parts"], body)
    assert response.status_code == 400
    assert response.get_json()["code"] == code and response.get_json()["error"]


def test_another_creators_upload_is_out_of_reach(client, creator, other_creator, campaign,
                                                 big_jpeg):
    client.login(creator)
    upload = start(client, campaign, big_jpeg.stat().st_size).get_json()
    intruder = Client(client.app)
    intruder.login(other_creator)
    assert intruder.api(upload["urls"]["parts"], {"parts": [1]}).status_code == 404
    assert intruder.get(upload["urls"]["parts"]).status_code == 404
    assert intruder.api(upload["urls"]["complete"]).status_code == 404
    assert intruder.api(upload["urls"]["cancel"], method="DELETE").status_code == 404
    assert db.session.get(Upload, upload["id"]) is not None


def test_cancel_removes_everything(logged_in, campaign, big_jpeg):
    data = big_jpeg.read_bytes()
    upload = start(logged_in, campaign, len(data)).get_json()
    send_part(logged_in, upload, data, 1)
    row = db.session.get(Upload, upload["id"])
    key, multipart_id = row.image.original_key, row.multipart_id
    assert logged_in.api(upload["urls"]["cancel"], method="DELETE").status_code == 204
    db.session.expire_all()
    assert db.session.get(Upload, upload["id"]) is None
    assert db.session.get(Image, upload["image_id"]) is None
    assert get_storage().head(key) is None
    from app.storage import ObjectMissing
    with pytest.raises(ObjectMissing):
        get_storage().list_parts(key, multipart_id)


def test_cancel_after_completion_is_refused(logged_in, campaign):
    from .test_uploads import PHOTO, put

    data = PHOTO.read_bytes()
    upload = start(logged_in, campaign, len(data)).get_json()
    put(logged_in, upload, data)
    logged_in.api(upload["urls"]["complete"])
    response = logged_in.api(upload["urls"]["cancel"], method="DELETE")
    assert response.status_code == 409 and "already uploaded" in response.get_json()["error"]
    assert db.session.get(Image, upload["image_id"]).state == states.UPLOADED


def test_signed_again_later_means_a_later_expiry(logged_in, campaign, big_jpeg, app):
    upload = start(logged_in, campaign, big_jpeg.stat().st_size).get_json()
    first = upload["parts"][1]
    app.config["UPLOAD_URL_EXPIRY"] = 3600
    again = logged_in.api(upload["urls"]["parts"], {"parts": [2]}).get_json()["parts"][0]
    assert again["number"] == 2 and again["expires_at"] > first["expires_at"]


def test_stale_uploads_are_removed_after_a_day(logged_in, campaign, big_jpeg):
    data = big_jpeg.read_bytes()
    old = start(logged_in, campaign, len(data)).get_json()
    send_part(logged_in, old, data, 1)
    fresh = start(logged_in, campaign, len(data)).get_json()
    row = db.session.get(Upload, old["id"])
    key, multipart_id = row.image.original_key, row.multipart_id
    row.created_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    assert clean_stale() == 1
    db.session.expire_all()
    assert db.session.get(Upload, old["id"]) is None
    assert db.session.get(Upload, fresh["id"]) is not None
    from app.storage import ObjectMissing
    with pytest.raises(ObjectMissing):
        get_storage().list_parts(key, multipart_id)


def test_the_sweep_runs_on_rqs_scheduler(app):
    from rq.registry import ScheduledJobRegistry

    from app import jobs
    from app.queue import get_queue

    jobs.schedule_cleanup(delay_seconds=60)
    jobs.schedule_cleanup(delay_seconds=60)  # never two pending sweeps
    registry = ScheduledJobRegistry(queue=get_queue())
    assert registry.get_job_ids() == [jobs.CLEANUP_JOB_ID]
    assert jobs.clean_stale_uploads() == 0  # runs, reports, and schedules the next one
    assert registry.get_job_ids() == [jobs.CLEANUP_JOB_ID]
