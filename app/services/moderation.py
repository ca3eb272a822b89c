"""Moderation in the app: asking the provider, the review queue, approving and rejecting."""
import logging

from flask import current_app

from .. import imaging, states
from ..extensions import db
from ..models import AuditEntry, Image
from ..moderation import build_provider, check_with_retries
from ..storage import IMMUTABLE, QUARANTINE, VARIANTS, StorageError, get_storage
from .images import delete_unreferenced
from .notifications import notify

log = logging.getLogger(__name__)

PENDING_MESSAGE = "Your photo is being checked by our team. This usually takes less than a day."


class ReviewError(ValueError):
    """A review action refused; nothing was changed. `status` is the HTTP status to answer."""

    def __init__(self, message, status=409):
        super().__init__(message)
        self.message, self.status = message, status


def get_provider():
    """The configured provider, built once per app (a model loads on first use)."""
    if "moderation" not in current_app.extensions:
        current_app.extensions["moderation"] = build_provider(current_app.config)
    return current_app.extensions["moderation"]


def check(result):
    """Moderate a processed image's 800 px (or widest smaller) JPEG; never the original."""
    jpegs = [v for v in result.variants if v.format == "jpeg"]
    sample = next((v for v in jpegs if v.width <= 800), jpegs[-1])
    config = current_app.config
    return check_with_retries(get_provider(), sample.data, retries=config["MODERATION_RETRIES"],
                              backoff=config["MODERATION_BACKOFF"])


def tell_creator_pending(image):
    """The creator reads, in plain words, that their photo waits for a person."""
    notify(image.uploader, f"“{_name(image)}” for “{image.campaign.title}”: {PENDING_MESSAGE}",
           image)


def review_queue():
    """Quarantined images, oldest first: the admin's queue."""
    return db.session.scalars(
        db.select(Image).where(Image.state == states.QUARANTINED).order_by(Image.updated_at, Image.id)
    ).all()


def audit_log(limit=200):
    """The latest review decisions, newest first."""
    return db.session.scalars(
        db.select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)
    ).all()


def approve(admin, image):
    """Publish a quarantined image: move its variants to the public prefix, then mark it ready."""
    _check_reviewable(admin, image, "approved")
    storage = get_storage()
    moved = []
    try:
        for variant in image.variants:
            public_key = VARIANTS + variant.key[len(QUARANTINE):]
            with storage.open(variant.key) as stream:
                storage.put(public_key, stream.read(), _content_type(variant),
                            cache_control=IMMUTABLE, tags={"kind": "variant", "image": str(image.id)})
            moved.append((variant, public_key))
    except StorageError:
        for _, public_key in moved:
            storage.delete(public_key)
        raise ReviewError(imaging.MESSAGES["storage_error"], status=503)
    private_keys = [variant.key for variant, _ in moved]
    for variant, public_key in moved:
        variant.key = public_key
    image.transition_to(states.READY)
    _audit(admin, image, "approve", "")
    notify(image.uploader, f"Good news: “{_name(image)}” was approved and is now on "
                           f"“{image.campaign.title}”.", image,
           email_subject="Your photo was approved")
    db.session.commit()
    delete_unreferenced(private_keys)


def reject(admin, image, reason):
    """Refuse a quarantined image with a reason: remove its variants and tell the creator."""
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ReviewError("Please give the creator a reason for the rejection.", status=400)
    _check_reviewable(admin, image, "rejected")
    keys = [variant.key for variant in image.variants]
    image.variants.clear()
    image.transition_to(states.REJECTED)
    image.error_code = "moderation_rejected"
    image.error_message = f"{imaging.MESSAGES['moderation_rejected']} Reason: {reason}"[:500]
    _audit(admin, image, "reject", reason)
    notify(image.uploader, f"Our team couldn't approve “{_name(image)}” for "
                           f"“{image.campaign.title}”. Reason: {reason}. Please choose another photo.",
           image, email_subject="Your photo could not be approved")
    db.session.commit()
    delete_unreferenced(keys)


def decide_many(admin, image_ids, action, reason=""):
    """Approve or reject several images; each succeeds or fails alone. Returns (done, refused)."""
    if action not in ("approve", "reject"):
        raise ReviewError("Choose approve or reject.", status=400)
    if action == "reject" and len((reason or "").strip()) < 3:
        raise ReviewError("Please give the creators a reason for the rejection.", status=400)
    done, refused = [], []
    for image_id in image_ids:
        image = db.session.get(Image, image_id)
        try:
            if image is None:
                raise ReviewError(f"There is no image {image_id}.", status=404)
            approve(admin, image) if action == "approve" else reject(admin, image, reason)
            done.append(image_id)
        except ReviewError as error:
            db.session.rollback()
            refused.append((image_id, error.message))
    return done, refused


def _check_reviewable(admin, image, verb):
    if not admin.is_admin:
        raise ReviewError("Only administrators can review photos.", status=403)
    if image.state != states.QUARANTINED:
        raise ReviewError(f"Only photos waiting for review can be {verb}; this one is "
                          f"{image.state.replace('_', ' ')}.")


def _audit(admin, image, action, reason):
    db.session.add(AuditEntry(actor_id=admin.id, image_id=image.id, campaign_id=image.campaign_id,
                              action=action, reason=reason, labels=image.moderation_labels))


def _content_type(variant):
    return "image/webp" if variant.format == "webp" else "image/jpeg"


def _name(image):
    return image.original_filename or "your photo"
