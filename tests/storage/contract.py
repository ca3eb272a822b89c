"""The storage contract: every backend must pass every test here.

A backend's test module subclasses StorageContract and provides two fixtures:
`storage` (the backend) and `send` (sends a SignedRequest with a body, returns the status).
"""
import pytest

from app.storage import KeyRefused, ObjectMissing
from app.storage.base import IMMUTABLE

MB = 1024 * 1024


class StorageContract:
    def test_put_head_open_delete(self, storage):
        storage.put("variants/a/b.webp", b"RIFF....WEBP", "image/webp", cache_control=IMMUTABLE)
        info = storage.head("variants/a/b.webp")
        assert (info.size, info.content_type) == (12, "image/webp")
        with storage.open("variants/a/b.webp") as stream:
            assert stream.read() == b"RIFF....WEBP"
        assert storage.read_prefix("variants/a/b.webp", 4) == b"RIFF"
        storage.delete("variants/a/b.webp")
        assert storage.head("variants/a/b.webp") is None

    def test_missing_objects(self, storage):
        assert storage.head("originals/1/nothing") is None
        with pytest.raises(ObjectMissing):
            storage.open("originals/1/nothing")
        storage.delete("originals/1/nothing")  # harmless

    def test_put_accepts_a_stream(self, storage, tmp_path):
        path = tmp_path / "body"
        path.write_bytes(b"x" * (3 * MB + 7))
        with open(path, "rb") as stream:
            storage.put("originals/1/streamed", stream, "application/octet-stream")
        assert storage.head("originals/1/streamed").size == 3 * MB + 7

    def test_tags(self, storage):
        storage.put("originals/1/tagged", b"abc", "image/jpeg", tags={"state": "pending"})
        assert storage.get_tags("originals/1/tagged") == {"state": "pending"}
        storage.set_tags("originals/1/tagged", {"state": "orphan", "image": "7"})
        assert storage.get_tags("originals/1/tagged") == {"state": "orphan", "image": "7"}
        with pytest.raises(ObjectMissing):
            storage.set_tags("originals/1/none", {"a": "b"})

    def test_signed_single_put(self, storage, send):
        signed = storage.presign_put("originals/1/photo", 11, "image/jpeg", 60)
        assert signed.method == "PUT" and signed.expires_at > 0
        assert send(signed, b"hello world") == 200
        info = storage.head("originals/1/photo")
        assert (info.size, info.content_type) == (11, "image/jpeg")
        assert storage.read_prefix("originals/1/photo", 5) == b"hello"

    def test_multipart_round_trip(self, storage, send):
        key = "originals/1/big"
        upload_id = storage.create_multipart(key, "image/jpeg")
        first, second = b"a" * (5 * MB), b"b" * 1000
        assert send(storage.presign_part(key, upload_id, 1, 5 * MB, 60), first) == 200
        assert send(storage.presign_part(key, upload_id, 2, 5 * MB, 60), second) == 200
        # A retried part replaces the earlier copy instead of adding a third part.
        assert send(storage.presign_part(key, upload_id, 2, 5 * MB, 60), second) == 200
        parts = storage.list_parts(key, upload_id)
        assert [(p.number, p.size) for p in parts] == [(1, 5 * MB), (2, 1000)]
        storage.complete_multipart(key, upload_id)
        assert storage.head(key).size == 5 * MB + 1000
        with storage.open(key) as stream:
            body = stream.read()
        assert body == first + second
        with pytest.raises(ObjectMissing):
            storage.list_parts(key, upload_id)  # the upload is gone once complete

    def test_multipart_abort_leaves_nothing(self, storage, send):
        key = "originals/1/cancelled"
        upload_id = storage.create_multipart(key, "image/jpeg")
        send(storage.presign_part(key, upload_id, 1, 5 * MB, 60), b"z" * 100)
        storage.abort_multipart(key, upload_id)
        storage.abort_multipart(key, upload_id)  # twice is harmless
        with pytest.raises(ObjectMissing):
            storage.list_parts(key, upload_id)
        assert storage.head(key) is None

    def test_complete_without_parts_is_refused(self, storage):
        key = "originals/1/empty"
        upload_id = storage.create_multipart(key, "image/jpeg")
        with pytest.raises(ObjectMissing):
            storage.complete_multipart(key, upload_id)

    def test_public_urls_only_for_variants(self, storage):
        assert storage.public_url("variants/abc-800w.webp").endswith("/variants/abc-800w.webp")
        with pytest.raises(KeyRefused):
            storage.public_url("originals/1/photo")

    @pytest.mark.parametrize("key", [
        "../outside", "originals/../../etc/passwd", "/originals/abs", "originals//double",
        "somewhere/else", "originals/1/with space", "", "variants/..",
    ])
    def test_keys_outside_the_rules_are_refused(self, storage, key):
        with pytest.raises(KeyRefused):
            storage.put(key, b"x", "text/plain")
        with pytest.raises(KeyRefused):
            storage.presign_put(key, 1, "text/plain", 60)

    def test_check_answers(self, storage):
        storage.check()
