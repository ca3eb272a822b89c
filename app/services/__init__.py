"""The verbs blueprints, jobs and the CLI call; each module is one area of the product."""
