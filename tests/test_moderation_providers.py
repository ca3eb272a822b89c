"""Moderation providers on their own: Rekognition through botocore's Stubber (moto has no
DetectModerationLabels), NudeNet on a real photo, and the retry policy."""
import io
import time

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber
from PIL import Image

from app.moderation import ModerationUnavailable, build_provider, check_with_retries
from app.moderation.nudity import NudeNetModeration
from app.moderation.rekognition import DEFAULT_CATEGORIES, RekognitionModeration

from .conftest import CORPUS

JPEG = b"\xff\xd8\xff" + b"0" * 64


@pytest.fixture
def rekognition(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("rekognition", region_name="eu-west-1")
    with Stubber(client) as stubber:
        yield RekognitionModeration("eu-west-1", 60, DEFAULT_CATEGORIES, client=client), stubber
        stubber.assert_no_pending_responses()


def label(name, parent, confidence, level):
    return {"Name": name, "ParentName": parent, "Confidence": confidence, "TaxonomyLevel": level}


def respond(stubber, labels):
    stubber.add_response("detect_moderation_labels",
                         {"ModerationLabels": labels, "ModerationModelVersion": "7.0"},
                         expected_params={"Image": {"Bytes": JPEG}, "MinConfidence": 60.0})


def test_rekognition_clean_photo_is_not_flagged(rekognition):
    provider, stubber = rekognition
    respond(stubber, [])
    verdict = provider.check(JPEG)
    assert not verdict.flagged and verdict.labels == [] and verdict.provider == "rekognition"


def test_rekognition_flags_by_top_level_category(rekognition):
    provider, stubber = rekognition
    respond(stubber, [
        label("Exposed Male Genitalia", "Explicit Nudity", 97.5, 3),
        label("Explicit Nudity", "Explicit", 97.5, 2),
        label("Explicit", "", 97.5, 1),
    ])
    verdict = provider.check(JPEG)
    assert verdict.flagged
    assert {(l.name, l.category) for l in verdict.labels} == {
        ("Exposed Male Genitalia", "Explicit"), ("Explicit Nudity", "Explicit"),
        ("Explicit", "Explicit")}


def test_rekognition_ignores_categories_not_configured(rekognition):
    provider, stubber = rekognition
    respond(stubber, [label("Smoking", "Drugs & Tobacco", 88.0, 2),
                      label("Drugs & Tobacco", "", 88.0, 1)])
    verdict = provider.check(JPEG)
    assert not verdict.flagged and len(verdict.labels) == 2  # kept, for the record


@pytest.mark.parametrize("code,retryable", [
    ("ThrottlingException", True), ("ProvisionedThroughputExceededException", True),
    ("InternalServerError", True), ("ImageTooLargeException", False),
    ("InvalidImageFormatException", False), ("AccessDeniedException", False),
])
def test_rekognition_errors_say_whether_to_retry(rekognition, code, retryable):
    provider, stubber = rekognition
    stubber.add_client_error("detect_moderation_labels", service_error_code=code,
                             http_status_code=400 if code != "InternalServerError" else 500)
    with pytest.raises(ModerationUnavailable) as error:
        provider.check(JPEG)
    assert error.value.retryable is retryable and code in str(error.value)


def test_throttling_is_retried_with_backoff_then_succeeds(rekognition):
    provider, stubber = rekognition
    stubber.add_client_error("detect_moderation_labels", service_error_code="ThrottlingException")
    stubber.add_client_error("detect_moderation_labels", service_error_code="ThrottlingException")
    respond(stubber, [])
    slept = []
    verdict = check_with_retries(provider, JPEG, retries=3, backoff=0.5, sleep=slept.append)
    assert not verdict.flagged and slept == [0.5, 1.0]


def test_when_retries_run_out_the_photo_goes_to_manual_review(rekognition):
    provider, stubber = rekognition
    for _ in range(4):
        stubber.add_client_error("detect_moderation_labels", service_error_code="ThrottlingException")
    slept = []
    verdict = check_with_retries(provider, JPEG, retries=3, backoff=1, sleep=slept.append)
    assert verdict.flagged and slept == [1, 2, 4]
    assert "unavailable" in verdict.labels[0].name


def test_a_non_retryable_error_goes_to_manual_review_at_once(rekognition):
    provider, stubber = rekognition
    stubber.add_client_error("detect_moderation_labels", service_error_code="ImageTooLargeException")
    slept = []
    assert check_with_retries(provider, JPEG, retries=3, sleep=slept.append).flagged
    assert slept == []


def test_a_timeout_is_retried():
    class Flaky:
        calls = 0

        def detect_moderation_labels(self, **params):
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise ReadTimeoutError(endpoint_url="https://rekognition.eu-west-1.amazonaws.com")
            return {"ModerationLabels": []}

    provider = RekognitionModeration("eu-west-1", client=Flaky())
    verdict = check_with_retries(provider, JPEG, retries=2, sleep=lambda s: None)
    assert not verdict.flagged and Flaky.calls == 2


def jpeg_800(path):
    im = Image.open(path)
    im.thumbnail((800, 800))
    buffer = io.BytesIO()
    im.convert("RGB").save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def test_nudenet_passes_a_benign_real_photo():
    provider = NudeNetModeration(60)
    data = jpeg_800(CORPUS / "files/orientation/Landscape_1.jpg")
    started = time.perf_counter()
    first = provider.check(data)  # builds this process's ONNX session first
    loaded = time.perf_counter()
    verdict = provider.check(data)
    done = time.perf_counter()
    assert not first.flagged and not verdict.flagged and verdict.provider == "nudenet"
    print(f"nudenet: first photo {1000 * (loaded - started):.0f} ms (with model load), "
          f"next {1000 * (done - loaded):.0f} ms")


def test_nudenet_policy_flags_only_exposed_intimate_parts_above_the_threshold():
    class Detector:
        def __init__(self, detections):
            self.detections = detections

        def detect(self, data):
            return self.detections

    import os

    provider = NudeNetModeration(60)
    provider._pid = os.getpid()
    provider._detector = Detector([{"class": "FACE_FEMALE", "score": 0.99, "box": []},
                                   {"class": "FEMALE_BREAST_EXPOSED", "score": 0.31, "box": []}])
    assert not provider.check(JPEG).flagged
    provider._detector = Detector([{"class": "FEMALE_BREAST_EXPOSED", "score": 0.91, "box": []}])
    verdict = provider.check(JPEG)
    assert verdict.flagged and verdict.labels[0].confidence == 91.0


def test_unknown_provider_is_refused_by_name():
    with pytest.raises(RuntimeError, match="unknown MODERATION_PROVIDER 'magic'"):
        build_provider({"MODERATION_PROVIDER": "magic", "MODERATION_MIN_CONFIDENCE": 60})
