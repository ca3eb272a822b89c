"""Log in and out."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ...extensions import db, login_manager
from ...models import User
from ...services.users import authenticate

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."


@login_manager.user_loader
def load_user(user_id):
    """Flask-Login's hook: the user for a session's id."""
    return db.session.get(User, int(user_id))


def _safe_next(target):
    # Only same-site paths: an open redirect would let phishing links borrow our login page.
    return target if target and target.startswith("/") and not target.startswith("//") else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; log in on a correct email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    error = None
    if request.method == "POST":
        user = authenticate(request.form.get("email"), request.form.get("password"))
        if user:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("dashboard.index"))
        error = "That email and password don't match an account. Please try again."
    status = 401 if error else 200
    return render_template("auth/login.html", error=error,
                           email=request.form.get("email", "")), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out and go back to the login page."""
    logout_user()
    flash("You are logged out.")
    return redirect(url_for("auth.login"))
