"""What several blueprints share: a login wall, and Vary on HX-Request for partials."""
from flask_login import login_required


def require_login(blueprint):
    """Every view of `blueprint` needs a logged-in user."""

    @blueprint.before_request
    @login_required
    def _require_login():
        return None


def vary_on_htmx(blueprint):
    """Pages and htmx partials share URLs, so caches must key on HX-Request."""

    @blueprint.after_request
    def _vary(response):
        response.vary.add("HX-Request")
        return response
