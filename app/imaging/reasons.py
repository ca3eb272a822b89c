"""Reason codes shared by the core, the API, the UI, the CLI and metrics."""

# One plain-language message per code, saying what the creator can do. Messages that
# need figures (sizes, limits) are built where the figures are known.
MESSAGES = {
    "unsupported_type": "This file isn't a photo we can use. Please choose a JPEG, PNG or HEIC photo.",
    "corrupt": "This photo seems to be damaged or incomplete. Please export it again and re-upload it.",
    "too_large": "This photo is too large for us to process. Please choose a smaller version.",
    "too_small": "This photo is too small to look sharp here. Please choose a larger one.",
    "bad_aspect_ratio": "This photo's shape doesn't fit this spot. Please crop it or choose another.",
    "size_mismatch": "The upload didn't arrive complete. Please try uploading it again.",
    "moderation_rejected": "Our team couldn't approve this photo for the campaign page.",
    "processing_timeout": "Processing took too long. Please try again; if it keeps happening, contact us.",
    "storage_error": "We couldn't save this photo just now. Please try again in a few minutes.",
}


class ImageRejected(Exception):
    """The image cannot be used; `code` is a reason code, `message` is for the creator."""

    def __init__(self, code, message=None):
        self.code = code
        self.message = message or MESSAGES[code]
        super().__init__(f"{code}: {self.message}")
