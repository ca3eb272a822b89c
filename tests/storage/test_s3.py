"""S3 backend against moto's server (the S3 API over real HTTP): the shared contract.

moto does not enforce expiry, signatures or size limits, so those are proven for our
own code in test_local.py and by the upload service's checks, not here.
"""
import boto3
import pytest
import requests

from app.storage.s3 import S3Storage

from .contract import StorageContract


@pytest.fixture
def storage(moto_endpoint, monkeypatch, request):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    bucket = f"campaign-{request.node.name[:30].lower().replace('_', '-').strip('-[]')}"
    bucket = "".join(c for c in bucket if c.isalnum() or c == "-").strip("-")
    boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1").create_bucket(
        Bucket=bucket)
    return S3Storage(bucket, endpoint_url=moto_endpoint,
                     public_base_url="https://cdn.example.org")


@pytest.fixture
def send():
    def send(signed, body):
        return requests.request(signed.method, signed.url, data=body, headers=signed.headers,
                                timeout=30).status_code
    return send


class TestS3Contract(StorageContract):
    pass


def test_public_url_goes_through_the_cdn(storage):
    assert storage.public_url("variants/x-800w.jpg") == "https://cdn.example.org/variants/x-800w.jpg"
