"""S3 storage through boto3; `endpoint_url` points it at any S3-compatible server."""
import time
from urllib.parse import quote, urlencode

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .base import (
    IMMUTABLE,
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

    def _presign(self, operation, params, expires_in, headers):
        url = self.client.generate_presigned_url(
            operation, Params=dict(params, Bucket=self.bucket), ExpiresIn=expires_in
        )
        return SignedRequest(url, "PUT", headers, int(time.time()) + expires_in)

    def presign_put(self, key, size, content_type, expires_in):
        check_key(key)
        return self._presign(
            "put_object",
            {"Key": key, "ContentType": content_type},
            expires_in,
            {"Content-Type": content_type},
        )

    def create_multipart(self, key, content_type):
        check_key(key)
        response = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=key, ContentType=content_type
        )
        return response["UploadId"]

    def presign_part(self, key, upload_id, part_number, max_size, expires_in):
        check_key(key)
        return self._presign(
            "upload_part",
            {"Key": key, "UploadId": upload_id, "PartNumber": int(part_number)},
            expires_in,
            {},
        )

    def _parts(self, key, upload_id):
        parts, marker = [], 0
        while True:
            try:
                response = self.client.list_parts(
                    Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumberMarker=marker
                )
            except ClientError as error:
                if _missing(error):
                    raise ObjectMissing("no such multipart upload")
                raise StorageError(str(error))
            parts += response.get("Parts", [])
            if not response.get("IsTruncated"):
                return parts
            marker = response["NextPartNumberMarker"]

    def list_parts(self, key, upload_id):
        check_key(key)
        return [Part(p["PartNumber"], p["Size"], p["ETag"]) for p in self._parts(key, upload_id)]

    def complete_multipart(self, key, upload_id):
        check_key(key)
        parts = [
            {"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in self._parts(key, upload_id)
        ]
        if not parts:
            raise ObjectMissing("the upload has no parts")
        self.client.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
        )

    def abort_multipart(self, key, upload_id):
        check_key(key)
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except ClientError as error:
            if not _missing(error):
                raise StorageError(str(error))

    def head(self, key):
        check_key(key)
        try:
            response = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _missing(error):
                return None
            raise StorageError(str(error))
        return ObjectInfo(
            response["ContentLength"],
            response.get("ContentType", "application/octet-stream"),
            {"cache_control": response.get("CacheControl")},
        )

    def open(self, key):
        check_key(key)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as error:
            if _missing(error):
                raise ObjectMissing(f"no object {key}")
            raise StorageError(str(error))

    def read_prefix(self, key, length):
        check_key(key)
        try:
            response = self.client.get_object(
                Bucket=self.bucket, Key=key, Range=f"bytes=0-{length - 1}"
            )
        except ClientError as error:
            if _missing(error):
                raise ObjectMissing(f"no object {key}")
            raise StorageError(str(error))
        return response["Body"].read()

    def put(self, key, data, content_type, cache_control=None, tags=None):
        check_key(key)
        extra = {"ContentType": content_type}
        if cache_control:
            extra["CacheControl"] = cache_control
        if tags:
            extra["Tagging"] = urlencode(tags)
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data, **extra)
        except (ClientError, BotoCoreError) as error:
            raise StorageError(str(error))

    def delete(self, key):
        check_key(key)
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def set_tags(self, key, tags):
        check_key(key)
        try:
            self.client.put_object_tagging(
                Bucket=self.bucket,
                Key=key,
                Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]},
            )
        except ClientError as error:
            if _missing(error):
                raise ObjectMissing(f"no object {key}")
            raise StorageError(str(error))

    def get_tags(self, key):
        check_key(key)
        try:
            response = self.client.get_object_tagging(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _missing(error):
                raise ObjectMissing(f"no object {key}")
            raise StorageError(str(error))
        return {t["Key"]: t["Value"] for t in response["TagSet"]}

    def public_url(self, key):
        check_key(key)
        if not is_public(key):
            raise KeyRefused(f"{key} is not a public variant")
        return f"{self.public_base}/{quote(key)}"

    def cache_control(self, key):
        """Variants are stored with their Cache-Control; S3 and the CDN send it."""
        return IMMUTABLE

    def check(self):
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as error:
            raise StorageError(f"bucket {self.bucket}: {error}")
