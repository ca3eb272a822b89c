"""/healthz for load balancers and people: which dependency, if any, is down."""
from flask import Blueprint, jsonify

from ...services.health import check_all

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    """200 when the database, Redis and storage answer; 503 naming what failed."""
    checks = check_all()
    failed = sorted(name for name, result in checks.items() if result != "ok")
    body = {"status": "ok" if not failed else "failing", "failed": failed, "checks": checks}
    return jsonify(body), 503 if failed else 200
