"""JSON API used by the browser uploader (session auth, CSRF token in a header)."""
from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user

from ...services import campaigns as campaign_service
from ...services import uploads as upload_service
from ..common import require_login

bp = Blueprint("api", __name__, url_prefix="/api")


require_login(bp)


@bp.errorhandler(upload_service.UploadError)
def upload_error(error):
    """Refusals carry a human message and, where there is one, a reason code."""
    return jsonify(error=error.message, code=error.code), error.status


def _signed(number, signed):
    return {"number": number, "url": signed.url, "method": signed.method,
            "headers": signed.headers, "expires_at": signed.expires_at}


def _describe(upload):
    """The upload as the browser needs it: its plan, state and where to go next."""
    return {
        "id": upload.id, "image_id": upload.image_id, "state": upload.state,
        "strategy": upload.strategy, "size": upload.size,
        "part_size": upload.part_size, "part_count": upload.part_count,
        "urls": {
            "parts": url_for("api.sign_parts", upload_id=upload.id),
            "complete": url_for("api.complete_upload", upload_id=upload.id),
            "cancel": url_for("api.cancel_upload", upload_id=upload.id),
            "card": url_for("dashboard.image_card", image_id=upload.image_id),
        },
    }


@bp.route("/uploads", methods=["POST"])
def create_upload():
    """Plan an upload: a pending image, a server-chosen key, the first signed URLs."""
    body = request.get_json(silent=True) or {}
    try:
        campaign_id = int(body.get("campaign_id"))
    except (TypeError, ValueError):
        raise upload_service.UploadError("campaign_id is required.")
    campaign = campaign_service.get_campaign_for(current_user, campaign_id)
    upload = upload_service.start_upload(
        current_user, campaign, body.get("placement"), body.get("filename"),
        body.get("size"), body.get("content_type"),
    )
    first = list(range(1, min(upload.part_count, upload_service.FIRST_PARTS) + 1))
    signed = upload_service.sign_parts(upload, first)
    return jsonify({**_describe(upload), "parts": [_signed(n, s) for n, s in signed]}), 201


@bp.route("/uploads/<int:upload_id>/parts", methods=["POST"])
def sign_parts(upload_id):
    """Fresh signed URLs for the part numbers asked for (a retry, a resume, an expiry)."""
    upload = upload_service.get_upload_for(current_user, upload_id)
    numbers = (request.get_json(silent=True) or {}).get("parts")
    signed = upload_service.sign_parts(upload, numbers)
    return jsonify(parts=[_signed(n, s) for n, s in signed])


@bp.route("/uploads/<int:upload_id>/parts", methods=["GET"])
def stored_parts(upload_id):
    """The parts storage already holds (number and size), so a resume sends only the rest."""
    upload = upload_service.get_upload_for(current_user, upload_id)
    parts = upload_service.stored_parts(upload)
    return jsonify({**_describe(upload), "parts": [{"number": n, "size": s} for n, s in parts]})


@bp.route("/uploads/<int:upload_id>/complete", methods=["POST"])
def complete_upload(upload_id):
    """The browser sent every part: assemble, verify and queue processing (202)."""
    from ...services.images import card_text

    upload = upload_service.get_upload_for(current_user, upload_id)
    queued = upload_service.complete(upload)
    image = upload.image
    return jsonify(
        id=upload.id, image_id=image.id, state=image.state, queued=queued,
        message=card_text(image),
        status_url=url_for("dashboard.image_card", image_id=image.id),
    ), 202


@bp.route("/uploads/<int:upload_id>", methods=["DELETE"])
def cancel_upload(upload_id):
    """Cancel: abort the multipart upload and remove everything of it."""
    upload = upload_service.get_upload_for(current_user, upload_id)
    upload_service.cancel(upload)
    return "", 204
