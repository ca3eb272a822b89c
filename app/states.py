"""The Image state machine: every allowed transition is written here, and only here."""

PENDING_UPLOAD = "pending_upload"
UPLOADED = "uploaded"
PROCESSING = "processing"
READY = "ready"
QUARANTINED = "quarantined"
REJECTED = "rejected"
FAILED = "failed"

ALL = (PENDING_UPLOAD, UPLOADED, PROCESSING, READY, QUARANTINED, REJECTED, FAILED)

TRANSITIONS = {
    PENDING_UPLOAD: {UPLOADED},
    UPLOADED: {PROCESSING},
    PROCESSING: {READY, QUARANTINED, REJECTED, FAILED},
    QUARANTINED: {READY, REJECTED},  # an admin decides
    FAILED: {UPLOADED},  # a retry
    READY: set(),
    REJECTED: set(),
}

# States in which nothing more happens without a person: the card stops polling.
FINAL = frozenset({READY, QUARANTINED, REJECTED, FAILED})
# States in which the worker has the image: the card polls only then.
WORKING = frozenset({UPLOADED, PROCESSING})


class IllegalTransition(ValueError):
    """Raised when code asks for a state change the table does not allow."""


def check(current, new):
    """Raise IllegalTransition unless `current -> new` is in the table."""
    if new not in TRANSITIONS.get(current, set()):
        raise IllegalTransition(f"an image cannot go from {current} to {new}")
