"""Images: who may see one, queueing its processing, and showing its state and variants."""
import logging
from datetime import timedelta

from flask import current_app, url_for
from redis.exceptions import RedisError
from werkzeug.exceptions import Conflict

from .. import imaging, states
from ..extensions import db
from ..models import Image, Variant, utcnow
from ..queue import get_queue
from ..storage import StorageError, get_storage
from .access import owned_or_404

log = logging.getLogger(__name__)

# What the creator reads on the image's card, one line per state.
STATE_TEXT = {
    states.PENDING_UPLOAD: "Upload not finished. Choose the same file again to continue where it stopped.",
    states.UPLOADED: "Uploaded. Processing will start shortly.",
    states.PROCESSING: "Preparing your photo for every screen size…",
    states.READY: "Ready and live on your campaign page.",
    states.QUARANTINED: "Your photo is being checked by our team. This usually takes less than a day.",
    states.REJECTED: "This photo can't be used.",
    states.FAILED: "Something went wrong while processing this photo.",
}


def get_image_for(user, image_id):
    """Return the image if `user` may see it (its campaign's owner, or an admin); else 404."""
    image = db.session.get(Image, image_id)
    return owned_or_404(image, image and image.campaign.owner_id, user, "image")


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


def retry(image):
    """Send a failed image through processing again (its original is still stored)."""
    if image.state != states.FAILED:
        raise Conflict("Only photos whose processing failed can be tried again.")
    image.transition_to(states.UPLOADED)
    image.error_code = image.error_message = None
    db.session.commit()
    return enqueue_processing(image.id)


def fail_stuck(older_than):
    """Mark `failed` the images left `processing` by a worker that died; return how many."""
    cutoff = utcnow() - older_than
    stuck = db.session.scalars(
        db.select(Image).where(Image.state == states.PROCESSING, Image.updated_at < cutoff)
    ).all()
    for image in stuck:
        image.transition_to(states.FAILED)
        image.error_code = "processing_timeout"
        image.error_message = imaging.MESSAGES["processing_timeout"]
    db.session.commit()
    return len(stuck)


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


def thumbnail_url(image):
    """A small picture of the image for its card: public once ready, private while in review."""
    jpegs = image.variants_of("jpeg")
    if not jpegs:
        return None
    if image.state == states.READY:
        return get_storage().public_url(jpegs[-1].key)
    return url_for("admin.private_variant", image_id=image.id, variant_id=jpegs[-1].id)


def delete_unreferenced(keys):
    """Delete these variant files unless another image still uses them.

    Content-hash names are shared by identical outputs, so a key can belong to two images.
    """
    for key in keys:
        if db.session.scalar(db.select(Variant.id).filter_by(key=key).limit(1)):
            continue
        try:
            get_storage().delete(key)
        except StorageError:
            log.warning("could not remove variant %s", key)
