"""Asking a provider with retries: a flaky provider delays a photo, never publishes it unchecked."""
import logging
import time

from .base import Label, ModerationUnavailable, Verdict

log = logging.getLogger(__name__)


def check_with_retries(provider, jpeg_bytes, retries=3, backoff=1.0, sleep=time.sleep):
    """The provider's verdict; after `retries` failed retries, a verdict of manual review."""
    attempt = 0
    while True:
        try:
            return provider.check(jpeg_bytes)
        except ModerationUnavailable as error:
            if not error.retryable or attempt >= retries:
                log.warning("moderation unavailable (%s): sending to manual review", error)
                return Verdict(True, [Label(f"Automatic check unavailable: {error}", 0.0,
                                            "Manual review")], provider.name)
            sleep(backoff * 2 ** attempt)
            attempt += 1
