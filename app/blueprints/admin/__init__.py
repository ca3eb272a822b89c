"""Admins only: the review queue of quarantined images, decisions, and the audit log."""
from functools import wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wsgi import wrap_file

from ...extensions import db
from ...models import Image, Variant
from ...services import moderation
from ...services.images import get_image_for
from ...storage import ObjectMissing, get_storage

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    """Creators get a clear 403; anonymous visitors go to the login page."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, "Only administrators can review photos.")
        return view(*args, **kwargs)

    return wrapper


@bp.errorhandler(moderation.ReviewError)
def review_error(error):
    """A refused review action, in plain words; nothing was changed."""
    from ...errors import render_error

    return render_error(error.status, error.message)


def _locked_image(image_id):
    # Row lock on PostgreSQL, so two admins deciding at once cannot both succeed.
    image = db.session.get(Image, image_id, with_for_update=True)
    if image is None:
        abort(404, "There is no such image.")
    return image


@bp.route("/review")
@admin_required
def review():
    """The queue: every quarantined image with its thumbnail, labels, campaign and uploader."""
    return render_template("admin/review.html", images=moderation.review_queue())


@bp.route("/images/<int:image_id>/approve", methods=["POST"])
@admin_required
def approve(image_id):
    """Approve one image: it is published on its campaign page."""
    image = _locked_image(image_id)
    moderation.approve(current_user, image)
    flash(f"Approved “{image.original_filename}”: it is now live.")
    return redirect(url_for("admin.review"))


@bp.route("/images/<int:image_id>/reject", methods=["POST"])
@admin_required
def reject(image_id):
    """Reject one image with a reason the creator will read."""
    image = _locked_image(image_id)
    moderation.reject(current_user, image, request.form.get("reason"))
    flash(f"Rejected “{image.original_filename}”. The creator has been told why.")
    return redirect(url_for("admin.review"))


@bp.route("/review/bulk", methods=["POST"])
@admin_required
def bulk():
    """Approve or reject every selected image at once."""
    ids = [int(i) for i in request.form.getlist("image_ids") if i.isdigit()]
    if not ids:
        raise moderation.ReviewError("Select at least one photo first.", status=400)
    done, refused = moderation.decide_many(current_user, ids, request.form.get("action"),
                                           request.form.get("reason"))
    verb = "Approved" if request.form.get("action") == "approve" else "Rejected"
    if done:
        flash(f"{verb} {len(done)} photo(s).")
    for image_id, message in refused:
        flash(f"Photo {image_id}: {message}")
    return redirect(url_for("admin.review"))


@bp.route("/audit")
@admin_required
def audit():
    """Who decided what, when and why."""
    return render_template("admin/audit.html", entries=moderation.audit_log())


@bp.route("/images/<int:image_id>/variants/<int:variant_id>")
@login_required
def private_variant(image_id, variant_id):
    """A variant of a quarantined image, for admins and the image's own creator only."""
    image = get_image_for(current_user, image_id)
    variant = db.session.get(Variant, variant_id)
    if variant is None or variant.image_id != image.id:
        abort(404)
    try:
        stream = get_storage().open(variant.key)
    except ObjectMissing:
        abort(404)
    return _private_response(stream, variant)


def _private_response(stream, variant):
    """Stream a private variant; never stored by shared caches."""
    mimetype = "image/webp" if variant.format == "webp" else "image/jpeg"
    response = Response(wrap_file(request.environ, stream), mimetype=mimetype,
                        direct_passthrough=True)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
