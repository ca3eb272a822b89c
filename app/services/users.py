"""Accounts: creating users, checking passwords, the first admin."""
import secrets

from ..extensions import db
from ..models import ROLES, User


class UserError(ValueError):
    """A user could not be created; the message says why, for a person."""


def normalise_email(email):
    """Emails are compared case-insensitively and without surrounding spaces."""
    return (email or "").strip().lower()


def create_user(email, password, role="creator"):
    """Create and return a user, or raise UserError with a human message."""
    email = normalise_email(email)
    if "@" not in email or "." not in email.split("@")[-1]:
        raise UserError(f"{email!r} is not an email address.")
    if role not in ROLES:
        raise UserError(f"Role must be one of {', '.join(ROLES)}.")
    if len(password or "") < 8:
        raise UserError("Passwords need at least 8 characters.")
    if db.session.scalar(db.select(User).filter_by(email=email)):
        raise UserError(f"There is already an account for {email}.")
    user = User(email=email, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email, password):
    """Return the user whose email and password match, else None."""
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user and user.check_password(password or ""):
        return user
    return None


def ensure_admin(email=None, password=None):
    """Create a first admin if there is none; return (user, created?, generated password or None)."""
    existing = db.session.scalar(db.select(User).filter_by(role="admin"))
    if existing:
        return existing, False, None
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    user = create_user(email or "admin@example.org", password, role="admin")
    return user, True, generated
