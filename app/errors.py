"""Error pages: every refusal says, in plain words, what happened and what to do."""
from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: "Something in that request wasn't right.",
    403: "You don't have permission to do that.",
    404: "We couldn't find that page.",
    405: "That action isn't available here.",
    413: "That's more data than we accept in one request.",
    500: "Something went wrong on our side. Please try again.",
}


def wants_json():
    """API clients (and our uploader) get JSON errors; people get pages."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(status, message):
    """Answer with `message` as JSON for API calls, or as a page (partial for htmx)."""
    if wants_json():
        return jsonify(error=message), status
    template = "partials/_error.html" if request.headers.get("HX-Request") else "error.html"
    response = render_template(template, status=status, message=message)
    return response, status, {"Vary": "HX-Request"}


def register(app):
    """Install the error handlers (and the security headers every answer carries) on `app`."""

    @app.after_request
    def security_headers(response):
        """Add the headers every answer carries."""
        # No framing (clickjacking), no MIME sniffing, no full URLs leaked to other sites.
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        """A missing or stale CSRF token: say how to recover."""
        return render_error(
            400, "This form has expired or was sent from elsewhere. Please reload the page and try again."
        )

    for status in MESSAGES:
        @app.errorhandler(status)
        def http_error(error, status=status):
            """Any HTTP error, with its specific description when there is one."""
            description = getattr(error, "description", None)
            default = getattr(type(error), "description", None)
            message = description if description and description != default else MESSAGES[status]
            return render_error(status, message)
