"""The campaign image pipeline: `create_app(config)` builds the Flask app.

Flask is imported inside the factory on purpose, so that importing the pure
`app.imaging` core (for the CLI, workers' unit tests and benchmarks) loads no Flask.
"""


def create_app(config=None):
    """Build the app from the environment, overridden by the `config` mapping (tests)."""
    from flask import Flask

    from . import cli, errors
    from .blueprints import register_blueprints
    from .config import FIXED, ROOT, from_environment
    from .extensions import csrf, db, login_manager, migrate
    from .queue import init_queue
    from .storage import build_storage

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(from_environment())
    app.config.update(FIXED)
    if config:
        app.config.update(config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    init_queue(app)
    app.extensions["storage"] = build_storage(app.config)

    register_blueprints(app)
    errors.register(app)
    cli.register(app)
    return app
