"""One package per blueprint; each stays thin: parse, call a service, render."""


def register_blueprints(app):
    """Register every blueprint on `app`."""
    from .admin import bp as admin
    from .api import bp as api
    from .auth import bp as auth
    from .dashboard import bp as dashboard
    from .health import bp as health
    from .media import bp as media
    from .notifications import bp as notifications
    from .public import bp as public

    from ..services.images import card_text, thumbnail_url, variant_sources
    from ..services.notifications import unread_count

    for blueprint in (auth, dashboard, api, public, media, health, admin, notifications):
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(card_text=card_text, variant_sources=variant_sources,
                                 thumbnail_url=thumbnail_url, unread_notifications=unread_count)
