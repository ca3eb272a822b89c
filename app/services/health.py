"""Health: does each thing the app depends on answer?"""
from sqlalchemy import text

from ..extensions import db
from ..queue import get_redis
from ..storage import get_storage


def check_all():
    """Return {name: 'ok' or the error} for the database, Redis and storage."""
    checks = {
        "database": lambda: db.session.execute(text("SELECT 1")),
        "redis": lambda: get_redis().ping(),
        "storage": lambda: get_storage().check(),
    }
    results = {}
    for name, probe in checks.items():
        try:
            probe()
            results[name] = "ok"
        except Exception as error:  # any failure is the answer we report
            results[name] = f"{type(error).__name__}: {error}"[:300]
            if name == "database":
                db.session.rollback()
    return results
