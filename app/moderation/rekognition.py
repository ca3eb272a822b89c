"""AWS Rekognition DetectModerationLabels on the 800 px JPEG variant's bytes.

Rekognition takes JPEG or PNG up to 5 MB inline, so it never sees the original (HEIC).
"""
import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .base import Label, ModerationUnavailable, Provider, Verdict

DEFAULT_CATEGORIES = (
    "Explicit", "Non-Explicit Nudity of Intimate parts and Kissing", "Violence",
    "Visually Disturbing", "Hate Symbols",
)
# Worth another try later; anything else (a too-large image, bad credentials) is not.
RETRYABLE = {"ThrottlingException", "ProvisionedThroughputExceededException",
             "InternalServerError", "ServiceUnavailableException"}


class RekognitionModeration(Provider):
    """Flags a photo when a label under one of `categories` reaches `min_confidence`."""

    name = "rekognition"

    def __init__(self, region, min_confidence=60.0, categories=DEFAULT_CATEGORIES, client=None):
        self.min_confidence = float(min_confidence)
        self.categories = set(categories)
        # Our own retry loop decides about retries, so botocore makes one attempt only.
        self.client = client or boto3.client(
            "rekognition", region_name=region,
            config=Config(retries={"max_attempts": 1, "mode": "standard"},
                          connect_timeout=5, read_timeout=15),
        )

    def check(self, jpeg_bytes):
        try:
            response = self.client.detect_moderation_labels(
                Image={"Bytes": jpeg_bytes}, MinConfidence=self.min_confidence)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            raise ModerationUnavailable(f"Rekognition: {code}", retryable=code in RETRYABLE)
        except BotoCoreError as error:  # timeouts, connection failures
            raise ModerationUnavailable(f"Rekognition: {error}", retryable=True)
        found = response.get("ModerationLabels", [])
        parents = {label["Name"]: label.get("ParentName", "") for label in found}
        labels = [
            Label(label["Name"], round(float(label["Confidence"]), 1),
                  top_category(label["Name"], parents))
            for label in found
        ]
        flagged = any(label.category in self.categories and label.confidence >= self.min_confidence
                      for label in labels)
        return Verdict(flagged, labels, self.name)


def top_category(name, parents):
    """Walk up ParentName links to the top-level category (Rekognition returns the parents too)."""
    seen = set()
    while parents.get(name) and name not in seen:
        seen.add(name)
        name = parents[name]
    return name
