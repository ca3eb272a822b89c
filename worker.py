"""Start an RQ worker (with its scheduler) for the image queue; it builds the app itself.

Usage: python worker.py [--burst]
"""
import logging
import sys

from rq import Worker

from app import create_app, jobs
from app.extensions import db
from app.queue import get_queue, get_redis
from app.services.images import requeue_stranded
from app.services.moderation import get_provider


def main(argv):
    """Build the app, queue any stranded uploads, then work until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    app = create_app()
    jobs._app = app  # the forked work horses reuse this app instead of building their own
    with app.app_context():
        requeued = requeue_stranded()
        if requeued:
            logging.info("queued %d image(s) left waiting while the worker was away", requeued)
        jobs.schedule_cleanup(delay_seconds=60)  # and every hour after that
        get_provider().warm_up()  # import moderation libraries once, before work horses fork
        # Work horses are forked: never hand them the parent's open database connections.
        db.engine.dispose()
        worker = Worker([get_queue()], connection=get_redis())
        worker.work(with_scheduler=True, burst="--burst" in argv, logging_level="INFO")


if __name__ == "__main__":
    main(sys.argv[1:])
