"""Local-disk storage: the embedded default.

Signed URLs point at the app's own `/storage/<key>` route, which hands the request
body to `receive_put`. Bodies are streamed to a temporary file beside the target and
renamed into place, so a reader never sees half an object and memory stays flat.
"""
import hashlib
import io
import hmac
import json
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from .base import (
    KeyRefused,
    ObjectInfo,
    ObjectMissing,
    Part,
    SignedRequest,
    Storage,
    UploadRefused,
    check_key,
    is_public,
)

CHUNK = 1024 * 1024
_META = ".meta"
_MULTIPART = ".multipart"


class LocalStorage(Storage):
    """Objects as files under `root`; uploads through signed URLs served by the app."""

    def __init__(self, root, secret, upload_base="/storage", public_base="/media"):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self._secret = hashlib.sha256(b"local-storage:" + secret.encode()).digest()
        self.upload_base = upload_base.rstrip("/")
        self.public_base = public_base.rstrip("/")

    # --- paths -----------------------------------------------------------------------

    def _path(self, key, under=None):
        check_key(key)
        base = self.root / under if under else self.root
        path = (base / key).resolve()
        if not path.is_relative_to(base.resolve()):
            raise KeyRefused(f"storage key {key!r} escapes the storage root")
        return path

    def _upload_dir(self, upload_id):
        if not upload_id or not all(c in "0123456789abcdef" for c in upload_id):
            raise ObjectMissing("no such multipart upload")
        return self.root / _MULTIPART / upload_id

    # --- signing ---------------------------------------------------------------------

    def _sign(self, fields):
        message = "\n".join(f"{k}={fields[k]}" for k in sorted(fields)).encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def _signed(self, key, fields, content_type):
        signed = dict(fields, key=key)
        query = dict(fields, signature=self._sign(signed))
        url = f"{self.upload_base}/{quote(key)}?{urlencode(query)}"
        return SignedRequest(url, "PUT", {"Content-Type": content_type}, int(fields["expires"]))

    def presign_put(self, key, size, content_type, expires_in):
        check_key(key)
        fields = {"expires": int(time.time()) + expires_in, "size": int(size), "type": content_type}
        return self._signed(key, fields, content_type)

    def presign_part(self, key, upload_id, part_number, max_size, expires_in):
        check_key(key)
        self._read_upload(upload_id, key)
        fields = {
            "expires": int(time.time()) + expires_in,
            "max": int(max_size),
            "upload": upload_id,
            "part": int(part_number),
        }
        return self._signed(key, fields, "application/octet-stream")

    def receive_put(self, key, args, stream, content_length):
        """Check a signed PUT and stream its body to disk; return the part's ETag.

        `args` is the request's query string as a dict. Raises UploadRefused with an
        S3-style code (AccessDenied, SignatureDoesNotMatch, EntityTooLarge ...).
        """
        fields = {k: v for k, v in args.items() if k != "signature"}
        try:
            check_key(key)
            expires = int(fields["expires"])
        except (KeyError, ValueError, KeyRefused):
            raise UploadRefused(403, "AccessDenied", "This upload link is not valid.")
        expected = self._sign(dict(fields, key=key))
        if not hmac.compare_digest(expected, args.get("signature", "")):
            raise UploadRefused(
                403, "SignatureDoesNotMatch", "This upload link has been altered or is not valid."
            )
        if time.time() > expires:
            raise UploadRefused(403, "AccessDenied", "Request has expired")
        if "part" in fields:
            limit, exact = int(fields["max"]), False
            upload_dir = self._upload_dir(fields["upload"])
            self._read_upload(fields["upload"], key)
            target = upload_dir / f"{int(fields['part']):05d}"
            meta = None
        else:
            limit, exact = int(fields["size"]), True
            target = self._path(key)
            meta = {"content_type": fields.get("type") or "application/octet-stream"}
        if content_length is not None and content_length > limit:
            raise UploadRefused(
                413, "EntityTooLarge", f"The file is larger than the {limit} bytes announced."
            )
        etag = self._write_stream(target, stream, limit, exact)
        if meta is not None:
            self._write_meta(key, meta)
        return etag

    # --- multipart -------------------------------------------------------------------

    def create_multipart(self, key, content_type):
        check_key(key)
        upload_id = secrets.token_hex(16)
        upload_dir = self._upload_dir(upload_id)
        upload_dir.mkdir(parents=True)
        (upload_dir / "upload.json").write_text(
            json.dumps({"key": key, "content_type": content_type})
        )
        return upload_id

    def _read_upload(self, upload_id, key):
        path = self._upload_dir(upload_id) / "upload.json"
        try:
            upload = json.loads(path.read_text())
        except FileNotFoundError:
            raise ObjectMissing("no such multipart upload")
        if upload["key"] != key:
            raise ObjectMissing("no such multipart upload for this key")
        return upload

    def list_parts(self, key, upload_id):
        self._read_upload(upload_id, key)
        parts = []
        for path in sorted(self._upload_dir(upload_id).iterdir()):
            if path.name.isdigit():
                parts.append(Part(int(path.name), path.stat().st_size))
        return parts

    def complete_multipart(self, key, upload_id):
        upload = self._read_upload(upload_id, key)
        parts = self.list_parts(key, upload_id)
        if not parts:
            raise ObjectMissing("the upload has no parts")
        upload_dir = self._upload_dir(upload_id)
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as out:
            try:
                for part in parts:
                    with open(upload_dir / f"{part.number:05d}", "rb") as src:
                        shutil.copyfileobj(src, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            except BaseException:
                os.unlink(out.name)
                raise
        os.replace(out.name, target)
        self._write_meta(key, {"content_type": upload["content_type"]})
        shutil.rmtree(upload_dir, ignore_errors=True)

    def abort_multipart(self, key, upload_id):
        try:
            self._read_upload(upload_id, key)
        except ObjectMissing:
            return
        shutil.rmtree(self._upload_dir(upload_id), ignore_errors=True)

    # --- objects ---------------------------------------------------------------------

    def _write_stream(self, target, stream, limit, exact):
        """Stream into a temp file beside `target`, then rename; enforce the size limit."""
        target.parent.mkdir(parents=True, exist_ok=True)
        md5 = hashlib.md5()
        written = 0
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as out:
            try:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    written += len(chunk)
                    if written > limit:
                        raise UploadRefused(
                            413,
                            "EntityTooLarge",
                            f"The file is larger than the {limit} bytes announced.",
                        )
                    md5.update(chunk)
                    out.write(chunk)
                if exact and written != limit:
                    raise UploadRefused(
                        400,
                        "IncompleteBody",
                        f"Received {written} bytes but {limit} were announced.",
                    )
                out.flush()
                os.fsync(out.fileno())
            except BaseException:
                out.close()
                os.unlink(out.name)
                raise
        os.replace(out.name, target)
        return f'"{md5.hexdigest()}"'

    def _meta_path(self, key):
        path = self._path(key, _META)
        return path.with_name(path.name + ".json")

    def _write_meta(self, key, meta):
        path = self._meta_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(meta))
        os.replace(tmp, path)

    def _read_meta(self, key):
        try:
            return json.loads(self._meta_path(key).read_text())
        except FileNotFoundError:
            return {}

    def put(self, key, data, content_type, cache_control=None, tags=None):
        target = self._path(key)
        stream = data if hasattr(data, "read") else io.BytesIO(data)
        self._write_stream(target, stream, float("inf"), False)
        self._write_meta(
            key,
            {"content_type": content_type, "cache_control": cache_control, "tags": tags or {}},
        )

    def head(self, key):
        path = self._path(key)
        if not path.is_file():
            return None
        meta = self._read_meta(key)
        return ObjectInfo(
            path.stat().st_size,
            meta.get("content_type") or "application/octet-stream",
            {"cache_control": meta.get("cache_control")},
        )

    def open(self, key):
        path = self._path(key)
        try:
            return open(path, "rb")
        except FileNotFoundError:
            raise ObjectMissing(f"no object {key}")

    def delete(self, key):
        for path in (self._path(key), self._meta_path(key)):
            path.unlink(missing_ok=True)

    def set_tags(self, key, tags):
        if not self._path(key).is_file():
            raise ObjectMissing(f"no object {key}")
        meta = self._read_meta(key)
        meta["tags"] = dict(tags)
        self._write_meta(key, meta)

    def get_tags(self, key):
        if not self._path(key).is_file():
            raise ObjectMissing(f"no object {key}")
        return self._read_meta(key).get("tags", {})

    def public_url(self, key):
        check_key(key)
        if not is_public(key):
            raise KeyRefused(f"{key} is not a public variant")
        return f"{self.public_base}/{quote(key)}"

    def check(self):
        probe = self.root / ".healthz"
        probe.write_text(str(time.time()))
        probe.unlink()

