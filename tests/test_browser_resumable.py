"""The resumable uploader in real headless Chromium, with a 20 MB JPEG (four parts), against
the local-disk backend AND moto's S3 server, on SQLite AND PostgreSQL, with a real worker.

Faults are injected with Playwright's request routing: parts that fail on the network,
a 403 "Request has expired", the browser going offline, a reload mid-upload, a cancel.
"""
import re
import time
import uuid

import boto3
import pytest

from app import states
from app.extensions import db
from app.models import Image, Upload
from app.storage import get_storage

from .browser import log_in
from .conftest import PASSWORD

pytestmark = pytest.mark.browser

EXPIRED = ("<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code>"
           "<Message>Request has expired</Message></Error>")

# Records every value the page gives a <progress>, to check it never goes back or past 100.
RECORD_PROGRESS = """
const descriptor = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, "value");
Object.defineProperty(HTMLProgressElement.prototype, "value", {
  get() { return descriptor.get.call(this); },
  set(value) { (window.__progress ||= []).push(Number(value)); descriptor.set.call(this, value); },
});
"""


@pytest.fixture(params=["local", "s3"])
def storage_backend(request):
    return request.param


@pytest.fixture
def config(config, storage_backend, request, monkeypatch):
    """The suite's config, on local disk or on a fresh moto bucket that allows browser PUTs."""
    if storage_backend == "local":
        return config
    endpoint = request.getfixturevalue("moto_endpoint")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    bucket = f"browser-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["*"], "AllowedMethods": ["PUT", "GET"], "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]})
    return {**config, "STORAGE_BACKEND": "s3", "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": endpoint, "S3_REGION": "us-east-1"}


def part_number(url):
    """The part a storage URL is for: S3's partNumber=N or our local backend's part=N."""
    match = re.search(r"[?&](?:partNumber|part)=(\d+)", url)
    return int(match.group(1)) if match else None


class Parts:
    """Routes part PUTs through `decide(number, attempt, route)` and counts them."""

    def __init__(self, page, decide=None):
        self.page, self.decide = page, decide
        self.attempts, self.held, self.signed = {}, [], []
        page.route(lambda url: part_number(url) is not None, self.handle)
        page.on("request", self.on_request)

    def handle(self, route):
        request = route.request
        if request.method != "PUT":
            return route.continue_()
        number = part_number(request.url)
        self.attempts[number] = self.attempts.get(number, 0) + 1
        if self.decide is None or not self.decide(number, self.attempts[number], route):
            route.continue_()

    def on_request(self, request):
        if request.method == "POST" and request.url.endswith("/parts"):
            self.signed.append(request.post_data_json["parts"])

    def hold(self, route):
        self.held.append(route)
        return True


def fail_with(route, status, body):
    origin = route.request.headers.get("origin", "*")
    route.fulfill(status=status, body=body, content_type="application/xml",
                  headers={"Access-Control-Allow-Origin": origin})


def open_campaign(browser, live_server, creator, campaign):
    context = browser.new_context()
    context.add_init_script(RECORD_PROGRESS)
    page = context.new_page()
    log_in(page, live_server, creator, PASSWORD)
    page.goto(f"{live_server}/campaigns/{campaign.id}")
    return context, page


def choose(page, path):
    page.set_input_files('input[data-upload-placement="hero"]', str(path))


def wait_ready(page):
    page.wait_for_selector('#cards-hero .image-card[data-state="ready"] img', timeout=120_000)


def wait_until(predicate, page, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(50)  # lets Playwright deliver route and request events


def assert_progress_was_honest(page):
    values = page.evaluate("window.__progress || []")
    assert values, "no progress was shown"
    assert all(a <= b for a, b in zip(values, values[1:])), f"progress went back: {values}"
    assert max(values) <= 100


def image_of_this_test():
    db.session.expire_all()
    return db.session.scalars(db.select(Image)).all()


def test_parts_retry_after_network_errors_and_resign_after_expiry(
        browser, live_server, worker, creator, campaign, big_jpeg):
    context, page = open_campaign(browser, live_server, creator, campaign)

    def decide(number, attempt, route):
        if number == 2 and attempt <= 2:
            route.abort("failed")  # the network drops, twice
            return True
        if number == 3 and attempt == 1:
            fail_with(route, 403, EXPIRED)  # the signed URL expired on a slow link
            return True
        return False

    parts = Parts(page, decide)
    choose(page, big_jpeg)
    wait_ready(page)
    assert parts.attempts == {1: 1, 2: 3, 3: 2, 4: 1}
    assert [3] in [batch[:1] for batch in parts.signed], "part 3 was not signed again"
    assert_progress_was_honest(page)
    [image] = image_of_this_test()
    assert image.state == states.READY and image.bytes == big_jpeg.stat().st_size
    assert "Ready and live" in page.inner_text("#cards-hero .image-card")
    context.close()


def test_offline_pauses_and_online_resumes(browser, live_server, worker, creator, campaign,
                                           big_jpeg):
    context, page = open_campaign(browser, live_server, creator, campaign)
    parts = Parts(page, lambda number, attempt, route: number > 1 and attempt == 1 and parts.hold(route))
    choose(page, big_jpeg)
    wait_until(lambda: len(parts.held) == 3, page)
    context.set_offline(True)
    for route in parts.held:
        route.abort("internetdisconnected")
    page.wait_for_selector('#cards-hero .image-card[data-state="paused"]')
    assert "offline" in page.inner_text("#cards-hero .image-card")
    page.wait_for_timeout(500)
    context.set_offline(False)
    wait_ready(page)
    assert parts.attempts == {1: 1, 2: 2, 3: 2, 4: 2}
    assert_progress_was_honest(page)
    context.close()


def test_reload_resumes_without_resending_finished_parts(
        browser, live_server, worker, creator, campaign, big_jpeg):
    context, page = open_campaign(browser, live_server, creator, campaign)
    finished = []
    page.on("requestfinished", lambda request: part_number(request.url) and request.method == "PUT"
            and finished.append(part_number(request.url)))
    first = Parts(page, lambda number, attempt, route: number > 2 and first.hold(route))
    choose(page, big_jpeg)
    wait_until(lambda: sorted(finished) == [1, 2] and len(first.held) == 2, page)
    [upload] = db.session.scalars(db.select(Upload)).all()

    page.reload()  # the held parts 3 and 4 die with the old page
    page.unroute_all(behavior="ignoreErrors")
    page.wait_for_selector(f"#image-{upload.image_id}")  # the server's "unfinished" card
    assert "choose the same file again" in page.inner_text(f"#image-{upload.image_id}").lower()
    again = Parts(page)
    choose(page, big_jpeg)
    wait_ready(page)
    assert again.attempts == {3: 1, 4: 1}, "parts 1 and 2 were sent again"
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Upload)) == 1
    assert db.session.get(Image, upload.image_id).state == states.READY
    context.close()


def test_cancel_leaves_nothing_behind(browser, live_server, creator, campaign, big_jpeg, app):
    context, page = open_campaign(browser, live_server, creator, campaign)
    parts = Parts(page, lambda number, attempt, route: number > 1 and parts.hold(route))
    finished = []
    page.on("requestfinished", lambda request: part_number(request.url) == 1 and finished.append(1))
    choose(page, big_jpeg)
    wait_until(lambda: finished and len(parts.held) == 3, page)
    [upload] = db.session.scalars(db.select(Upload)).all()
    key, multipart_id = upload.image.original_key, upload.multipart_id

    page.click("#cards-hero .image-card button.cancel")
    page.wait_for_selector('#cards-hero .image-card[data-state="cancelled"]')
    assert image_of_this_test() == []
    storage = get_storage()
    assert storage.head(key) is None
    if app.config["STORAGE_BACKEND"] == "s3":
        listed = storage.client.list_multipart_uploads(Bucket=storage.bucket)
        assert listed.get("Uploads", []) == []
        assert storage.client.list_objects_v2(Bucket=storage.bucket).get("KeyCount") == 0
    else:
        assert not any((storage.root / ".multipart").glob("*"))
        assert not (storage.root / key).exists()
        assert multipart_id
    context.close()


def test_a_part_that_fails_for_good_says_so_and_try_again_resumes(
        browser, live_server, worker, creator, campaign, big_jpeg):
    context, page = open_campaign(browser, live_server, creator, campaign)
    page.add_init_script("window.uploaderSettings = {retryBase: 20, maxAttempts: 2};")
    page.reload()
    outage = {"on": True}

    def decide(number, attempt, route):
        if number == 4 and outage["on"]:
            route.abort("failed")
            return True
        return False

    parts = Parts(page, decide)
    choose(page, big_jpeg)
    card = page.wait_for_selector('#cards-hero .image-card[data-state="failed"]')
    assert "keeps dropping" in card.inner_text() and "Try again" in card.inner_text()
    assert parts.attempts[4] == 3  # the first try and two retries, then it stops
    sent_before = dict(parts.attempts)

    outage["on"] = False
    page.click("#cards-hero button.retry")
    wait_ready(page)
    assert parts.attempts == {**sent_before, 4: 4}, "finished parts were sent again"
    assert_progress_was_honest(page)
    context.close()
