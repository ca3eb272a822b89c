"""Direct uploads: the browser sends bytes to storage; the server plans, signs and checks.

Up to SINGLE_LIMIT bytes go in one signed PUT; larger files in parts of PART_SIZE (the
last one shorter), each signed on its own so each can be retried, re-signed when its URL
expires, and skipped on resume when storage already holds it.
"""
import logging
import math
import uuid
from datetime import timedelta

from flask import current_app

from .. import imaging, states
from ..extensions import db
from ..imaging.detect import SNIFF_BYTES
from ..models import PLACEMENTS, Image, Upload, utcnow
from ..storage import ORIGINALS, ObjectMissing, StorageError, get_storage
from .access import owned_or_404
from .images import enqueue_processing

log = logging.getLogger(__name__)

MB = 1024 * 1024
SINGLE_LIMIT = 5 * MB  # S3's smallest part size: anything larger is uploaded in parts
PART_SIZE = 5 * MB
MAX_PARTS = 10_000  # S3's limit
FIRST_PARTS = 4  # URLs handed out with the plan: the uploader's parallelism
MAX_SIGN_AT_ONCE = 100
DECLARED_TYPES = {"image/jpeg", "image/png", "image/heic", "image/heif", "",
                  "application/octet-stream"}  # iPhones often send HEIC untyped
STALE_AFTER = timedelta(hours=24)


class UploadError(ValueError):
    """An upload request that cannot go ahead; `status` is the HTTP status to answer."""

    def __init__(self, message, status=400, code=None):
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


def get_upload_for(user, upload_id):
    """Return the upload if `user` started it or is an admin; 404 otherwise."""
    upload = db.session.get(Upload, upload_id)
    return owned_or_404(upload, upload and upload.user_id, user, "upload")


def plan(size):
    """(strategy, part size, part count) for a file of `size` bytes."""
    if size <= SINGLE_LIMIT:
        return "single", size, 1
    part_size = max(PART_SIZE, math.ceil(size / MAX_PARTS / MB) * MB)
    return "multipart", part_size, math.ceil(size / part_size)


def start_upload(user, campaign, placement, filename, size, content_type):
    """Create a pending Image and its Upload with a server-chosen key; return the Upload."""
    config = current_app.config
    if placement not in PLACEMENTS:
        raise UploadError(f"Placement must be one of {', '.join(PLACEMENTS)}.")
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        raise UploadError("This file is empty. Please choose the photo again.")
    if size > config["MAX_UPLOAD_BYTES"]:
        raise UploadError(
            f"This file is {size / 1e6:.0f} MB; we accept photos up to "
            f"{config['MAX_UPLOAD_BYTES'] / 1e6:.0f} MB. Please choose a smaller one.",
            status=413, code="too_large",
        )
    content_type = content_type or ""
    if content_type not in DECLARED_TYPES:
        raise UploadError(imaging.MESSAGES["unsupported_type"], status=415,
                          code="unsupported_type")
    position = 0
    if placement != "hero":
        position = 1 + max(
            (i.position for i in campaign.images if i.placement == placement), default=0
        )
    strategy, part_size, part_count = plan(size)
    key = f"{ORIGINALS}{campaign.id}/{uuid.uuid4().hex}"
    storage_type = content_type if content_type.startswith("image/") else "application/octet-stream"
    multipart_id = None
    if strategy == "multipart":
        try:
            multipart_id = get_storage().create_multipart(key, storage_type)
        except StorageError:
            raise UploadError(imaging.MESSAGES["storage_error"], status=503, code="storage_error")
    image = Image(
        campaign=campaign, uploader_id=user.id, placement=placement, position=position,
        original_key=key, original_filename=(filename or "")[:255], declared_bytes=size,
    )
    upload = Upload(image=image, user_id=user.id, strategy=strategy, multipart_id=multipart_id,
                    size=size, part_size=part_size, part_count=part_count,
                    content_type=storage_type)
    db.session.add_all([image, upload])
    db.session.commit()
    return upload


def sign_parts(upload, numbers):
    """Fresh signed PUT requests for the part numbers asked for (1-based)."""
    _require_open(upload)
    if not isinstance(numbers, list) or not numbers:
        raise UploadError("Say which parts to sign, e.g. {\"parts\": [1, 2]}.")
    if len(numbers) > MAX_SIGN_AT_ONCE:
        raise UploadError(f"Ask for at most {MAX_SIGN_AT_ONCE} parts at once.", code="too_many_parts")
    for number in numbers:
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= upload.part_count:
            raise UploadError(f"Part {number!r} is out of range: this upload has parts 1 to "
                              f"{upload.part_count}.", code="part_out_of_range")
    storage = get_storage()
    expiry = current_app.config["UPLOAD_URL_EXPIRY"]
    key = upload.image.original_key
    signed = []
    for number in sorted(set(numbers)):
        if upload.strategy == "single":
            request = storage.presign_put(key, upload.size, upload.content_type, expiry)
        else:
            request = storage.presign_part(key, upload.multipart_id, number,
                                           upload.part_range(number)[1], expiry)
        signed.append((number, request))
    return signed


def stored_parts(upload):
    """The parts storage already holds, as (number, size): what a resume can skip."""
    if upload.state == "completed":
        return [(n, upload.part_range(n)[1]) for n in range(1, upload.part_count + 1)]
    storage = get_storage()
    key = upload.image.original_key
    if upload.strategy == "single":
        info = storage.head(key)
        return [(1, info.size)] if info is not None and info.size == upload.size else []
    try:
        parts = storage.list_parts(key, upload.multipart_id)
    except ObjectMissing:
        return []
    # A part counts only when it is whole: a cut-off part is sent again.
    return [(p.number, p.size) for p in parts
            if p.number <= upload.part_count and p.size == upload.part_range(p.number)[1]]


def complete(upload):
    """Assemble the parts, check the object, queue processing. Harmless when repeated.

    Returns True when processing is queued, False when Redis is unavailable (the image
    stays `uploaded` and is queued again later; nothing is lost).
    """
    image = upload.image
    if upload.state == "completed" or image.state != states.PENDING_UPLOAD:
        return True
    storage = get_storage()
    key = image.original_key
    try:
        if upload.strategy == "multipart":
            have = {number for number, _ in stored_parts(upload)}
            missing = [n for n in range(1, upload.part_count + 1) if n not in have]
            if missing:
                raise UploadError(
                    f"Storage doesn't have all of the file yet (missing part "
                    f"{', '.join(map(str, missing[:10]))}). Keep this page open to finish.",
                    status=409, code="incomplete",
                )
            storage.complete_multipart(key, upload.multipart_id)
        info = storage.head(key)
    except StorageError as error:
        # ObjectMissing with the object in place: a concurrent `complete` got there first.
        info = storage.head(key) if isinstance(error, ObjectMissing) else None
        if info is None:
            raise UploadError(imaging.MESSAGES["storage_error"], status=503, code="storage_error")
    if info is None:
        raise UploadError("We haven't received this file yet. Please upload it again.",
                          status=409, code="incomplete")
    if info.size != upload.size:
        _discard_object(upload)
        raise UploadError(
            f"We received {info.size} bytes but expected {upload.size}. "
            "Please upload the photo again.", code="size_mismatch",
        )
    if imaging.sniff(storage.read_prefix(key, SNIFF_BYTES)) is None:
        _discard_object(upload)
        raise UploadError(imaging.MESSAGES["unsupported_type"], status=415,
                          code="unsupported_type")
    upload.state = "completed"
    image.transition_to(states.UPLOADED)
    image.bytes = info.size
    db.session.commit()
    return enqueue_processing(image.id)


def cancel(upload):
    """Abort the upload and remove everything of it: parts, object, rows."""
    if upload.image.state != states.PENDING_UPLOAD:
        raise UploadError("This photo is already uploaded; remove it from the campaign instead.",
                          status=409)
    _remove(upload)


def clean_stale(older_than=STALE_AFTER):
    """Remove uploads never completed within `older_than`; return how many."""
    cutoff = utcnow() - older_than
    stale = db.session.scalars(
        db.select(Upload).join(Image).where(
            Image.state == states.PENDING_UPLOAD, Upload.created_at < cutoff)
    ).all()
    for upload in stale:
        _remove(upload)
    return len(stale)


def _require_open(upload):
    if upload.state != "open" or upload.image.state != states.PENDING_UPLOAD:
        raise UploadError("This upload is already complete.", status=409, code="completed")


def _discard_object(upload):
    """Delete a finished object that failed its checks, and restart the multipart upload."""
    storage = get_storage()
    storage.delete(upload.image.original_key)
    if upload.strategy == "multipart":
        # The parts were consumed by completing; a retry needs a fresh multipart upload.
        upload.multipart_id = storage.create_multipart(upload.image.original_key,
                                                       upload.content_type)
        db.session.commit()


def _remove(upload):
    storage = get_storage()
    key = upload.image.original_key
    if upload.multipart_id:
        storage.abort_multipart(key, upload.multipart_id)
    storage.delete(key)
    image = upload.image
    db.session.delete(upload)
    db.session.delete(image)
    db.session.commit()
