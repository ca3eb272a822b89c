"""Local-disk backend: the shared contract, plus what only our own code can prove —
signature, expiry and declared size are enforced, writes are atomic, memory stays flat."""
import time
import tracemalloc
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from app import create_app
from app.storage import KeyRefused
from app.storage.local import LocalStorage

from .contract import MB, StorageContract


@pytest.fixture
def storage_app(tmp_path):
    # The storage routes touch no database; an in-memory SQLite keeps the app complete.
    return create_app({"TESTING": True, "SECRET_KEY": "k", "STORAGE_BACKEND": "local",
                       "STORAGE_ROOT": str(tmp_path / "root"),
                       "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.fixture
def storage(storage_app):
    return storage_app.extensions["storage"]


@pytest.fixture
def http(storage_app):
    return storage_app.test_client()


@pytest.fixture
def send(http):
    def send(signed, body):
        return http.open(signed.url, method=signed.method, data=body,
                         headers=signed.headers).status_code
    return send


class TestLocalContract(StorageContract):
    pass


def leftovers(storage):
    """Every file under the root that is not a finished object or its metadata."""
    return [p for p in storage.root.rglob("*") if p.is_file() and ".tmp" in p.name
            or p.is_file() and p.name.startswith("tmp")]


def with_query(url, **changes):
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({k: str(v) for k, v in changes.items()})
    return f"{parts.path}?{urlencode(query)}"


def test_expired_url_is_refused_and_writes_nothing(storage, http):
    signed = storage.presign_put("originals/1/late", 5, "image/jpeg", expires_in=-1)
    response = http.put(signed.url, data=b"hello", headers=signed.headers)
    assert response.status_code == 403
    assert "Request has expired" in response.get_json()["error"]
    assert storage.head("originals/1/late") is None


@pytest.mark.parametrize("change", [
    {"size": 999_999}, {"expires": int(time.time()) + 86400}, {"signature": "0" * 64},
])
def test_altered_url_is_refused(storage, http, change):
    signed = storage.presign_put("originals/1/photo", 5, "image/jpeg", 60)
    response = http.put(with_query(signed.url, **change), data=b"hello")
    assert response.status_code == 403
    assert response.get_json()["code"] == "SignatureDoesNotMatch"
    assert storage.head("originals/1/photo") is None


def test_url_for_one_key_cannot_write_another(storage, http):
    signed = storage.presign_put("originals/1/mine", 5, "image/jpeg", 60)
    response = http.put(signed.url.replace("/mine?", "/theirs?"), data=b"hello")
    assert response.status_code == 403
    assert storage.head("originals/1/theirs") is None


def test_body_larger_than_declared_is_refused(storage, http):
    signed = storage.presign_put("originals/1/photo", 5, "image/jpeg", 60)
    response = http.put(signed.url, data=b"hello, and then some", headers=signed.headers)
    assert response.status_code == 413
    assert storage.head("originals/1/photo") is None
    assert leftovers(storage) == []


def test_body_larger_than_declared_without_content_length(storage):
    """A chunked body gives no Content-Length: the limit is enforced while streaming."""
    import io

    from app.storage import UploadRefused

    signed = storage.presign_put("originals/1/photo", 5, "image/jpeg", 60)
    args = dict(parse_qsl(urlsplit(signed.url).query))
    with pytest.raises(UploadRefused) as refused:
        storage.receive_put("originals/1/photo", args, io.BytesIO(b"x" * (3 * MB)), None)
    assert refused.value.status == 413
    assert storage.head("originals/1/photo") is None and leftovers(storage) == []


def test_body_shorter_than_declared_is_refused(storage, http):
    signed = storage.presign_put("originals/1/photo", 50, "image/jpeg", 60)
    response = http.put(signed.url, data=b"hello", headers=signed.headers)
    assert response.status_code == 400
    assert storage.head("originals/1/photo") is None


def test_part_larger_than_its_limit_is_refused(storage, http):
    upload_id = storage.create_multipart("originals/1/big", "image/jpeg")
    signed = storage.presign_part("originals/1/big", upload_id, 1, 10, 60)
    assert http.put(signed.url, data=b"x" * 11).status_code == 413
    assert storage.list_parts("originals/1/big", upload_id) == []


@pytest.mark.parametrize("path", [
    "/storage/originals/%2E%2E/%2E%2E/escape", "/storage/../escape", "/storage/etc/passwd",
])
def test_put_route_refuses_keys_outside_the_root(storage, http, path):
    response = http.put(path + "?expires=9999999999&size=1&type=x&signature=x", data=b"x")
    assert response.status_code in (403, 404)
    assert not (storage.root.parent / "escape").exists()


def test_a_symlink_cannot_lead_outside_the_root(storage, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (storage.root / "originals").mkdir(exist_ok=True)
    (storage.root / "originals" / "link").symlink_to(outside)
    with pytest.raises(KeyRefused):
        storage.put("originals/link/file", b"x", "text/plain")
    assert list(outside.iterdir()) == []


def test_failed_write_keeps_the_previous_object(storage):
    storage.put("variants/v.webp", b"old", "image/webp")

    class Broken:
        def __init__(self):
            self.calls = 0

        def read(self, n):
            self.calls += 1
            if self.calls > 1:
                raise OSError("disk went away")
            return b"new bytes"

    with pytest.raises(OSError):
        storage.put("variants/v.webp", Broken(), "image/webp")
    with storage.open("variants/v.webp") as stream:
        assert stream.read() == b"old"
    assert leftovers(storage) == []


class Zeros:
    """A readable body of `size` zero bytes that never exists in memory at once."""

    def __init__(self, size):
        self.size = self.left = size

    def tell(self):
        return self.size - self.left

    def seek(self, offset, whence=0):
        self.left = self.size - offset if whence == 0 else 0
        return self.tell()

    def read(self, n=-1):
        n = self.left if n is None or n < 0 else min(n, self.left)
        self.left -= n
        return bytes(n)


def test_200_mb_upload_keeps_memory_flat(storage, http):
    size = 200 * MB
    signed = storage.presign_put("originals/1/huge", size, "image/jpeg", 60)
    tracemalloc.start()
    try:
        response = http.put(signed.url, input_stream=Zeros(size), content_length=size,
                            headers=signed.headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert storage.head("originals/1/huge").size == size
    assert peak < 16 * MB, f"peak Python memory {peak / MB:.1f} MB while receiving 200 MB"


def test_media_route_serves_variants_with_immutable_caching(storage, http):
    storage.put("variants/abc-200w.webp", b"RIFFxxxxWEBP", "image/webp")
    response = http.get(storage.public_url("variants/abc-200w.webp"))
    assert response.status_code == 200 and response.data == b"RIFFxxxxWEBP"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.mimetype == "image/webp"


def test_media_route_never_serves_originals(storage, http):
    storage.put("originals/1/secret", b"\xff\xd8\xffGPS", "image/jpeg")
    for path in ["/media/originals/1/secret", "/media/variants/../originals/1/secret",
                 "/media/variants/%2E%2E/originals/1/secret"]:
        assert http.get(path).status_code == 404, path


def test_signing_secret_differs_between_installations(tmp_path):
    a = LocalStorage(tmp_path / "a", "secret-a")
    b = LocalStorage(tmp_path / "b", "secret-b")
    signed = a.presign_put("originals/1/x", 1, "image/jpeg", 60)
    args = dict(parse_qsl(urlsplit(signed.url).query))
    from app.storage import UploadRefused
    import io
    with pytest.raises(UploadRefused):
        b.receive_put("originals/1/x", args, io.BytesIO(b"x"), 1)
