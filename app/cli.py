"""Command-line tools: `flask users ...` and `flask images ...`."""
import json
import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

users = AppGroup("users", help="Manage accounts.")
images = AppGroup("images", help="Process images and look after the queue.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["creator", "admin"]), default="creator")
@click.option("--password", help="Prompted for (hidden) when not given.")
def create_user_command(email, role, password):
    """Create an account."""
    from .services.users import UserError, create_user

    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, role)
    except UserError as error:
        raise click.ClickException(str(error))
    click.echo(f"Created {user.role} {user.email}")


@users.command("ensure-admin")
def ensure_admin_command():
    """Create a first admin from ADMIN_EMAIL/ADMIN_PASSWORD if none exists (password printed once)."""
    from .services.users import UserError, ensure_admin

    try:
        user, created, generated = ensure_admin(
            os.environ.get("ADMIN_EMAIL"), os.environ.get("ADMIN_PASSWORD")
        )
    except UserError as error:
        raise click.ClickException(str(error))
    if generated:
        click.echo(f"Created the first admin: {user.email}  password: {generated}")
        click.echo("This password is shown only once: keep it somewhere safe.")
    elif created:
        click.echo(f"Created the first admin: {user.email} (password from ADMIN_PASSWORD)")
    else:
        click.echo(f"Admin account: {user.email}")


@images.command("process")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--placement", type=click.Choice(["hero", "gallery", "inline"]), default=None,
              help="Also check this placement's size and shape limits.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder the variants are written to.")
def process_command(files, placement, out_dir):
    """Process FILES with the imaging core; print one JSON line per file (exit 2 if any is rejected)."""
    from . import imaging

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name in files:
        line = {"file": name}
        try:
            result = imaging.process(Path(name).read_bytes(), placement)
        except imaging.ImageRejected as rejected:
            failures += 1
            line.update(status="rejected", reason=rejected.code, message=rejected.message)
        else:
            for variant in result.variants:
                (out / variant.name).write_bytes(variant.data)
            line.update(
                status="accepted", reason=None, message=None,
                source={"width": result.width, "height": result.height, "format": result.format,
                        "bytes": result.bytes},
                dominant_colour=result.dominant_colour,
                variants=[{"name": v.name, "width": v.width, "height": v.height,
                           "format": v.format, "bytes": len(v.data)} for v in result.variants],
            )
        click.echo(json.dumps(line))
    sys.exit(2 if failures else 0)


@images.command("requeue")
def requeue_command():
    """Queue again every image left `uploaded` (after a Redis outage, say)."""
    from datetime import timedelta

    from .services.images import requeue_stranded

    click.echo(f"Queued {requeue_stranded(older_than=timedelta(0))} image(s).")


def register(app):
    """Add the command groups to `app`."""
    app.cli.add_command(users)
    app.cli.add_command(images)
