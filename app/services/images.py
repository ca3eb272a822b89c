"""Images: starting an upload, finishing it, queueing the work, showing the result."""
import logging
import uuid
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from werkzeug.exceptions import NotFound

from .. import imaging, states
from ..extensions import db
from ..imaging.detect import SNIFF_BYTES
from ..models import PLACEMENTS, Image, utcnow
from ..queue import get_queue
from ..storage import ORIGINALS, StorageError, get_storage

log = logging.getLogger(__name__)

DECLARED_TYPES = {"image/jpeg", "image/png", "image/heic", "image/heif", "",
                  "application/octet-stream"}

# What the creator reads on the image's card, one line per state.
STATE_TEXT = {
    states.PENDING_UPLOAD: "Waiting for the upload to finish…",
    states.UPLOADED: "Uploaded. Processing will start shortly.",
    states.PROCESSING: "Preparing your photo for every screen size…",
    states.READY: "Ready and live on your campaign page.",
    states.QUARANTINED: "Your photo is being checked by our team. This usually takes less than a day.",
    states.REJECTED: "This photo can't be used.",
    states.FAILED: "Something went wrong while processing this photo.",
}


class UploadError(ValueError):
    """An upload request that cannot go ahead; `status` is the HTTP status to answer."""

    def __init__(self, message, status=400, code=None):
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


def get_image_for(user, image_id):
    """Return the image if `user` may see it (its campaign's owner, or an admin); else 404."""
    image = db.session.get(Image, image_id)
    if image is None or not (user.is_admin or image.campaign.owner_id == user.id):
        raise NotFound("We couldn't find that image in your account.")
    return image


def start_upload(user, campaign, placement, filename, size, content_type):
    """Create a pending Image with a server-chosen key; return (image, signed PUT request)."""
    config = current_app.config
    if placement not in PLACEMENTS:
        raise UploadError(f"Placement must be one of {', '.join(PLACEMENTS)}.")
    if not isinstance(size, int) or size <= 0:
        raise UploadError("This file is empty. Please choose the photo again.")
    if size > config["MAX_UPLOAD_BYTES"]:
        raise UploadError(
            f"This file is {size / 1e6:.0f} MB; we accept photos up to "
            f"{config['MAX_UPLOAD_BYTES'] / 1e6:.0f} MB. Please choose a smaller one.",
            status=413, code="too_large",
        )
    if (content_type or "") not in DECLARED_TYPES:
        raise UploadError(imaging.MESSAGES["unsupported_type"], status=415,
                          code="unsupported_type")
    position = 0
    if placement != "hero":
        position = 1 + max(
            (i.position for i in campaign.images if i.placement == placement), default=0
        )
    key = f"{ORIGINALS}{campaign.id}/{uuid.uuid4().hex}"
    image = Image(
        campaign=campaign, uploader_id=user.id, placement=placement, position=position,
        original_key=key, original_filename=(filename or "")[:255], declared_bytes=size,
    )
    storage_type = content_type if content_type.startswith("image/") else "application/octet-stream"
    signed = get_storage().presign_put(key, size, storage_type, config["UPLOAD_URL_EXPIRY"])
    db.session.add(image)
    db.session.commit()
    return image, signed


def complete_upload(image):
    """Check the stored original and queue processing; calling it twice is harmless.

    Returns True when the job is queued, False when Redis is unavailable (the image
    stays `uploaded` and is queued again by the worker's sweep).
    """
    if image.state != states.PENDING_UPLOAD:
        return True
    storage = get_storage()
    try:
        info = storage.head(image.original_key)
    except StorageError:
        raise UploadError(imaging.MESSAGES["storage_error"], status=503, code="storage_error")
    if info is None:
        raise UploadError("We haven't received this file yet. Please upload it again.",
                          status=409, code="size_mismatch")
    if info.size != image.declared_bytes:
        storage.delete(image.original_key)
        raise UploadError(
            f"We received {info.size} bytes but expected {image.declared_bytes}. "
            "Please upload the photo again.", code="size_mismatch",
        )
    head = storage.read_prefix(image.original_key, SNIFF_BYTES)
    if imaging.sniff(head) is None:
        storage.delete(image.original_key)
        raise UploadError(imaging.MESSAGES["unsupported_type"], status=415,
                          code="unsupported_type")
    image.transition_to(states.UPLOADED)
    image.bytes = info.size
    db.session.commit()
    return enqueue_processing(image.id)


def enqueue_processing(image_id):
    """Queue the processing job; False (and nothing lost) if Redis can't be reached."""
    try:
        get_queue().enqueue(
            "app.jobs.process_image", image_id,
            job_id=f"process-image-{image_id}",
            job_timeout=current_app.config["JOB_TIMEOUT"],
            result_ttl=3600, failure_ttl=7 * 86400,
        )
        return True
    except RedisError as error:
        log.warning("could not queue image %s: %s", image_id, error)
        return False


def requeue_stranded(older_than=timedelta(seconds=30)):
    """Queue again every image left `uploaded` (e.g. Redis was down); return how many."""
    cutoff = utcnow() - older_than
    stranded = db.session.scalars(
        db.select(Image.id).where(Image.state == states.UPLOADED, Image.updated_at < cutoff)
    ).all()
    return sum(enqueue_processing(image_id) for image_id in stranded)


def card_text(image):
    """The plain-language line shown on an image's card."""
    if image.state in (states.REJECTED, states.FAILED) and image.error_message:
        return image.error_message
    return STATE_TEXT[image.state]


def variant_sources(image):
    """Public URLs for a <picture>: {'webp': srcset, 'jpeg': srcset, 'fallback': url, ...}."""
    storage = get_storage()
    sources = {}
    for fmt in ("webp", "jpeg"):
        variants = image.variants_of(fmt)
        sources[fmt] = ", ".join(f"{storage.public_url(v.key)} {v.width}w" for v in variants)
        if fmt == "jpeg" and variants:
            sources["fallback"] = storage.public_url(variants[0].key)
            sources["width"], sources["height"] = variants[0].width, variants[0].height
    return sources
