"""The notification centre and the badge htmx keeps current."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ...services import notifications
from ..common import require_login, vary_on_htmx

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


require_login(bp)
vary_on_htmx(bp)


@bp.route("/")
def index():
    """Every recent notification, newest first."""
    return render_template("notifications/index.html",
                           notifications=notifications.recent(current_user))


@bp.route("/badge")
def badge():
    """The unread count, as the small partial in the top bar."""
    return render_template("partials/_badge.html", unread=notifications.unread_count(current_user))


@bp.route("/read", methods=["POST"])
def mark_read():
    """Mark everything as read."""
    notifications.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))
