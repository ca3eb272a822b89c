"""The local-disk backend's HTTP side: signed PUTs in, public variants out.

With S3 these requests go to S3 and the CDN instead, and these routes answer 404.
"""
from flask import Blueprint, Response, abort, current_app, jsonify, request
from werkzeug.wsgi import wrap_file

from ...extensions import csrf
from ...storage import IMMUTABLE, KeyRefused, ObjectMissing, UploadRefused, get_storage
from ...storage.base import is_public

bp = Blueprint("media", __name__)


def _local_storage():
    if current_app.config["STORAGE_BACKEND"] != "local":
        abort(404)
    return get_storage()


@bp.route("/storage/<path:key>", methods=["PUT"])
@csrf.exempt  # authorised by the URL's signature instead of a session
def receive_upload(key):
    """Accept a signed PUT: check signature, expiry and size, stream the body to disk."""
    storage = _local_storage()
    try:
        etag = storage.receive_put(key, request.args.to_dict(), request.stream,
                                   request.content_length)
    except UploadRefused as refused:
        return jsonify(code=refused.code, error=refused.message), refused.status
    except (KeyRefused, ObjectMissing):
        return jsonify(code="AccessDenied", error="This upload link is not valid."), 403
    return Response(status=200, headers={"ETag": etag})


@bp.route("/media/<path:key>")
def variant(key):
    """Serve a processed variant with one-year immutable caching; never an original."""
    storage = _local_storage()
    if not is_public(key):
        abort(404)
    try:
        info = storage.head(key)
        if info is None:
            abort(404)
        stream = storage.open(key)
    except (KeyRefused, ObjectMissing):
        abort(404)
    response = Response(wrap_file(request.environ, stream), mimetype=info.content_type, direct_passthrough=True)
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["Content-Length"] = str(info.size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
