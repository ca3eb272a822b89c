"""RQ entry points: importable module-level functions that take ids, never objects.

Each one is a thin wrapper: it makes sure an app context exists and calls a service.
"""
from flask import current_app, has_app_context

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
