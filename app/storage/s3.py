"""S3 storage through boto3; `endpoint_url` points it at any S3-compatible server."""
import time
from urllib.parse import quote, urlencode

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .base import (
    KeyRefused,
    ObjectInfo,
    ObjectMissing,
    Part,
    SignedRequest,
    Storage,
    StorageError,
    check_key,
    is_public,
)

_MISSING = {"404", "NoSuchKey", "NoSuchUpload", "NotFound"}


def _missing(error):
    return error.response.get("Error", {}).get("Code") in _MISSING


class S3Storage(Storage):
    """One bucket: originals/ stays private, variants/ is served through the CDN."""

    def __init__(self, bucket, region="us-east-1", endpoint_url=None, public_base_url="",
                 client=None):
        self.bucket = bucket
        self.client = client or boto3.client(
            "s3",
            region_name=region,
            endpoint_url=endpoint_url,
            config=Config(signature_version="s3v4", retries={"mode": "standard"}),
        )
        if public_base_url:
            self.public_base = public_base_url.rstrip("/")
        elif endpoint_url:
            self.public_base = f"{endpoint_url.rstrip('/')}/{bucket}"
        else:
            self.public_base = f"https://{bucket}.s3.{region}.amazonaws.com"

    def _call(self, operation, key, **params):
        """Run one S3 operation on `key`; a missing object or upload is ObjectMissing."""
        check_key(key)
        try:
            return getattr(self.client, operation)(Bucket=self.bucket, Key=key, **params)
        except ClientError as error:
            if _missing(error):
                raise ObjectMissing(f"{operation}: no such object or upload for {key}")
            raise StorageError(f"{operation} {key}: {error}")
        except BotoCoreError as error:
            raise StorageError(f"{operation} {key}: {error}")

    def _presign(self, operation, params, expires_in, headers):
        url = self.client.generate_presigned_url(
            operation, Params=dict(params, Bucket=self.bucket), ExpiresIn=expires_in
        )
        return SignedRequest(url, "PUT", headers, int(time.time()) + expires_in)

    def presign_put(self, key, size, content_type, expires_in):
        check_key(key)
        return self._presign("put_object", {"Key": key, "ContentType": content_type},
                             expires_in, {"Content-Type": content_type})

    def create_multipart(self, key, content_type):
        return self._call("create_multipart_upload", key, ContentType=content_type)["UploadId"]

    def presign_part(self, key, upload_id, part_number, max_size, expires_in):
        check_key(key)
        # S3 cannot cap a presigned part's size: `complete` checks every part's size instead.
        return self._presign(
            "upload_part", {"Key": key, "UploadId": upload_id, "PartNumber": int(part_number)},
            expires_in, {},
        )

    def _parts(self, key, upload_id):
        parts, marker = [], 0
        while True:
            response = self._call("list_parts", key, UploadId=upload_id,
                                  PartNumberMarker=marker)
            parts += response.get("Parts", [])
            if not response.get("IsTruncated"):
                return parts
            marker = response["NextPartNumberMarker"]

    def list_parts(self, key, upload_id):
        return [Part(p["PartNumber"], p["Size"], p["ETag"]) for p in self._parts(key, upload_id)]

    def complete_multipart(self, key, upload_id):
        parts = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]}
                 for p in self._parts(key, upload_id)]
        if not parts:
            raise ObjectMissing("the upload has no parts")
        self._call("complete_multipart_upload", key, UploadId=upload_id,
                   MultipartUpload={"Parts": parts})

    def abort_multipart(self, key, upload_id):
        try:
            self._call("abort_multipart_upload", key, UploadId=upload_id)
        except ObjectMissing:
            pass  # already gone: aborting is idempotent

    def head(self, key):
        try:
            response = self._call("head_object", key)
        except ObjectMissing:
            return None
        return ObjectInfo(
            response["ContentLength"],
            response.get("ContentType", "application/octet-stream"),
            {"cache_control": response.get("CacheControl")},
        )

    def open(self, key):
        return self._call("get_object", key)["Body"]

    def read_prefix(self, key, length):
        return self._call("get_object", key, Range=f"bytes=0-{length - 1}")["Body"].read()

    def put(self, key, data, content_type, cache_control=None, tags=None):
        extra = {"ContentType": content_type}
        if cache_control:
            extra["CacheControl"] = cache_control
        if tags:
            extra["Tagging"] = urlencode(tags)
        self._call("put_object", key, Body=data, **extra)

    def delete(self, key):
        self._call("delete_object", key)

    def set_tags(self, key, tags):
        self._call("put_object_tagging", key,
                   Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})

    def get_tags(self, key):
        return {t["Key"]: t["Value"] for t in self._call("get_object_tagging", key)["TagSet"]}

    def public_url(self, key):
        check_key(key)
        if not is_public(key):
            raise KeyRefused(f"{key} is not a public variant")
        return f"{self.public_base}/{quote(key)}"

    def check(self):
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as error:
            raise StorageError(f"bucket {self.bucket}: {error}")
