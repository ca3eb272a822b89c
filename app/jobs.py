"""RQ entry points: importable module-level functions that take ids, never objects.

Each one is a thin wrapper: it makes sure an app context exists and calls a service.
"""
import logging

from flask import current_app, has_app_context

log = logging.getLogger(__name__)

_app = None


def _context():
    """The current app's context, or one of an app this worker process builds once."""
    global _app
    if has_app_context():
        return current_app.app_context()
    if _app is None:
        from . import create_app

        _app = create_app()
    return _app.app_context()


def process_image(image_id):
    """Process one uploaded image (see services.processing)."""
    from .services import processing

    with _context():
        return processing.process_image(image_id)


def clean_stale_uploads():
    """Hourly upkeep: remove uploads unfinished after a day, fail images whose worker died."""
    from datetime import timedelta

    from .services import images, uploads

    with _context():
        removed = uploads.clean_stale()
        log.info("removed %d upload(s) left unfinished for over a day", removed)
        # Twice the job time-out: RQ has certainly given up on such a job by then.
        stuck = images.fail_stuck(timedelta(seconds=2 * current_app.config["JOB_TIMEOUT"]))
        if stuck:
            log.warning("marked %d image(s) failed after their worker stopped", stuck)
        schedule_cleanup()
        return removed


CLEANUP_JOB_ID = "clean-stale-uploads"


def schedule_cleanup(delay_seconds=3600):
    """Put the stale-upload sweep on RQ's scheduler (one pending run at most)."""
    from datetime import timedelta

    from .queue import get_queue

    queue = get_queue()
    queue.enqueue_in(timedelta(seconds=delay_seconds), "app.jobs.clean_stale_uploads",
                     job_id=CLEANUP_JOB_ID, result_ttl=86400)
