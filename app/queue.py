"""The RQ queue the web app enqueues on and the worker listens to."""
from flask import current_app
from redis import Redis
from rq import Queue


def init_queue(app):
    """Attach a Redis connection (opened lazily on first use) to the app."""
    app.extensions["redis"] = Redis.from_url(
        app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5
    )


def get_redis():
    """Return the current app's Redis connection."""
    return current_app.extensions["redis"]


def get_queue():
    """Return the image-processing queue."""
    return Queue(
        current_app.config["QUEUE_NAME"],
        connection=get_redis(),
        default_timeout=current_app.config["JOB_TIMEOUT"],
    )
