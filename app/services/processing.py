"""The worker's side of an image: claim it, run the pure core, store variants, publish."""
import logging

from flask import current_app
from rq.timeouts import JobTimeoutException

from .. import imaging, states
from ..extensions import db
from ..imaging.variants import EncodedVariant
from ..models import Image, Variant
from ..storage import IMMUTABLE, QUARANTINE, VARIANTS, get_storage
from . import moderation
from .images import delete_unreferenced

log = logging.getLogger(__name__)


def core_settings():
    """The imaging core's settings, from the app's configuration."""
    return imaging.Settings(max_bytes=current_app.config["MAX_UPLOAD_BYTES"])


def process_image(image_id):
    """Process one uploaded image to `ready`, `rejected` or `failed`; never raises for bad input."""
    image = db.session.get(Image, image_id)
    if image is None or not image.claim(states.UPLOADED, states.PROCESSING):
        return image.state if image else "missing"  # someone else has it, or it is done
    storage = get_storage()
    written = []
    try:
        with storage.open(image.original_key) as stream:
            data = stream.read()
        result = imaging.process(data, image.placement, core_settings())
        # Moderation runs before anything is stored: a flagged photo's variants go to the
        # private quarantine prefix and are never reachable by a public URL.
        verdict = moderation.check(result)
        prefix = QUARANTINE if verdict.flagged else VARIANTS
        for variant in result.variants:
            key = variant_key(variant, prefix)
            storage.put(key, variant.data, variant.content_type, cache_control=IMMUTABLE,
                        tags={"kind": "variant", "image": str(image.id)})
            written.append(key)
            image.variants.append(Variant(width=variant.width, height=variant.height,
                                          format=variant.format, key=key,
                                          bytes=len(variant.data)))
        image.width, image.height = result.width, result.height
        image.content_hash = result.content_hash
        image.bytes = result.bytes
        image.dominant_colour, image.placeholder = result.dominant_colour, result.placeholder
        image.moderation_provider, image.moderation_labels = verdict.provider, verdict.to_json()
        if verdict.flagged:
            image.transition_to(states.QUARANTINED)
            moderation.tell_creator_pending(image)
        else:
            image.transition_to(states.READY)
        db.session.commit()
    except imaging.ImageRejected as rejected:
        _finish_with_error(image, states.REJECTED, rejected.code, rejected.message, written)
    except JobTimeoutException:
        _finish_with_error(image, states.FAILED, "processing_timeout",
                           imaging.MESSAGES["processing_timeout"], written)
        raise
    except Exception:  # a storage outage or a bug: record it, keep the worker alive
        log.exception("processing failed for image %s", image_id)
        _finish_with_error(image, states.FAILED, "storage_error",
                           imaging.MESSAGES["storage_error"], written)
    return image.state


def variant_key(variant: EncodedVariant, prefix=VARIANTS):
    """Key of a variant: its content-hash name under the public (or quarantine) prefix."""
    return f"{prefix}{variant.name}"


def _finish_with_error(image, state, code, message, written):
    """Roll back what this attempt wrote and record why, in plain words."""
    db.session.rollback()
    delete_unreferenced(written)
    image = db.session.get(Image, image.id)
    image.transition_to(state)
    image.error_code, image.error_message = code, message
    db.session.commit()
