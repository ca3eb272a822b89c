"""The storage interface every backend implements, and the key rules they share."""
import re
from dataclasses import dataclass, field

ORIGINALS = "originals/"  # private: never readable by a public URL
VARIANTS = "variants/"  # public: processed images only
QUARANTINE = "quarantine/"  # private: variants of flagged images, until an admin approves

# Server-chosen keys only ever use these characters; anything else is refused.
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*(/[A-Za-z0-9][A-Za-z0-9_.\-]*)*$")

IMMUTABLE = "public, max-age=31536000, immutable"


class StorageError(Exception):
    """A backend failed to do what was asked."""


class KeyRefused(StorageError):
    """A key outside the allowed shape or prefixes (path escapes included)."""


class ObjectMissing(StorageError):
    """The object (or multipart upload) does not exist."""


class UploadRefused(StorageError):
    """A signed upload request was refused; `status` and `code` say why."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class SignedRequest:
    """What a browser needs to send bytes straight to storage."""

    url: str
    method: str
    headers: dict
    expires_at: int  # unix seconds


@dataclass
class ObjectInfo:
    """What `head` tells about a stored object."""

    size: int
    content_type: str = "application/octet-stream"
    metadata: dict = field(default_factory=dict)


@dataclass
class Part:
    """One part of a multipart upload that storage already holds."""

    number: int
    size: int
    etag: str = ""


def check_key(key):
    """Return `key` if it is well formed and under a known prefix, else raise KeyRefused."""
    if not isinstance(key, str) or not _KEY.match(key) or ".." in key.split("/"):
        raise KeyRefused(f"refused storage key {key!r}")
    if not key.startswith((ORIGINALS, VARIANTS, QUARANTINE)):
        raise KeyRefused(f"storage key {key!r} is outside the originals/, variants/ and "
                         "quarantine/ prefixes")
    return key


def is_public(key):
    """True only for keys under the public variants prefix."""
    return key.startswith(VARIANTS) and ".." not in key.split("/")


class Storage:
    """Operations the app needs from object storage; see local.py and s3.py."""

    def presign_put(self, key, size, content_type, expires_in):
        """Return a SignedRequest for a single PUT of exactly `size` bytes."""
        raise NotImplementedError

    def create_multipart(self, key, content_type):
        """Start a multipart upload and return its id."""
        raise NotImplementedError

    def presign_part(self, key, upload_id, part_number, max_size, expires_in):
        """Return a SignedRequest for one part of a multipart upload."""
        raise NotImplementedError

    def list_parts(self, key, upload_id):
        """Return the Parts storage already holds, by number."""
        raise NotImplementedError

    def complete_multipart(self, key, upload_id):
        """Assemble the parts storage holds (listed here, not sent by the browser)."""
        raise NotImplementedError

    def abort_multipart(self, key, upload_id):
        """Drop a multipart upload and every part of it; harmless if already gone."""
        raise NotImplementedError

    def head(self, key):
        """Return ObjectInfo for `key`, or None when there is no such object."""
        raise NotImplementedError

    def open(self, key):
        """Return a readable binary stream of the object's bytes (close it after use)."""
        raise NotImplementedError

    def read_prefix(self, key, length):
        """Return the object's first `length` bytes."""
        with self.open(key) as stream:
            return stream.read(length)

    def put(self, key, data, content_type, cache_control=None, tags=None):
        """Store `data` (bytes or a binary stream) under `key`."""
        raise NotImplementedError

    def delete(self, key):
        """Remove the object; harmless if it is already gone."""
        raise NotImplementedError

    def set_tags(self, key, tags):
        """Replace the object's tags with `tags` (a dict of str)."""
        raise NotImplementedError

    def get_tags(self, key):
        """Return the object's tags as a dict."""
        raise NotImplementedError

    def public_url(self, key):
        """Return the public (CDN) URL of a variant; refuses any other key."""
        raise NotImplementedError

    def check(self):
        """Raise StorageError unless the backend answers (used by /healthz)."""
        raise NotImplementedError
