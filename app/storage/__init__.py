"""Object storage: one small interface (base.py), a local-disk and an S3 backend."""
from flask import current_app

from .base import (  # noqa: F401  (re-exported: the rest of the app imports from here)
    IMMUTABLE,
    ORIGINALS,
    QUARANTINE,
    VARIANTS,
    KeyRefused,
    ObjectMissing,
    Storage,
    StorageError,
    UploadRefused,
)


def build_storage(config):
    """Return the backend that `config` names (STORAGE_BACKEND = local | s3)."""
    backend = config["STORAGE_BACKEND"]
    if backend == "local":
        from .local import LocalStorage

        return LocalStorage(config["STORAGE_ROOT"], config["SECRET_KEY"],
                            public_base=(config.get("PUBLIC_BASE_URL") or "") + "/media")
    if backend == "s3":
        from .s3 import S3Storage

        if not config.get("S3_BUCKET"):
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        return S3Storage(
            config["S3_BUCKET"],
            region=config["S3_REGION"],
            endpoint_url=config.get("S3_ENDPOINT_URL"),
            public_base_url=config.get("PUBLIC_BASE_URL") or "",
        )
    raise RuntimeError(f"unknown STORAGE_BACKEND {backend!r} (use local or s3)")


def get_storage():
    """Return the current app's storage backend."""
    return current_app.extensions["storage"]
