"""JSON API used by the browser uploader (session auth, CSRF token in a header)."""
from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user, login_required

from ...services import campaigns as campaign_service
from ...services import images as image_service

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.before_request
@login_required
def require_login():
    """Every API call needs a logged-in user."""


@bp.errorhandler(image_service.UploadError)
def upload_error(error):
    """Refusals carry a human message and, where there is one, a reason code."""
    return jsonify(error=error.message, code=error.code), error.status


def _signed(signed):
    return {"url": signed.url, "method": signed.method, "headers": signed.headers,
            "expires_at": signed.expires_at}


@bp.route("/uploads", methods=["POST"])
def create_upload():
    """Start an upload: a pending image, a server-chosen key and a signed PUT URL."""
    body = request.get_json(silent=True) or {}
    try:
        campaign_id = int(body.get("campaign_id"))
    except (TypeError, ValueError):
        raise image_service.UploadError("campaign_id is required.")
    campaign = campaign_service.get_campaign_for(current_user, campaign_id)
    image, signed = image_service.start_upload(
        current_user, campaign, body.get("placement"), body.get("filename"),
        body.get("size"), body.get("content_type") or "",
    )
    return jsonify(
        id=image.id, strategy="single", upload=_signed(signed),
        complete_url=url_for("api.complete_upload", image_id=image.id),
        card_url=url_for("dashboard.image_card", image_id=image.id),
    ), 201


@bp.route("/uploads/<int:image_id>/complete", methods=["POST"])
def complete_upload(image_id):
    """The browser says the bytes are stored: verify them and queue processing."""
    image = image_service.get_image_for(current_user, image_id)
    queued = image_service.complete_upload(image)
    return jsonify(
        id=image.id, state=image.state, queued=queued,
        message=image_service.card_text(image),
        status_url=url_for("dashboard.image_card", image_id=image.id),
    ), 202
