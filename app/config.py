"""Settings from the environment (and `.env`), with embedded local defaults.

Every setting here is listed, with its default, in the README's configuration table.
Tests pass their own values to `create_app` as a mapping instead.
"""
import os
import secrets
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))

# A `.env` in the project root fills in what the real environment leaves unset.
load_dotenv(ROOT / ".env", override=False)


def _int(name, default):
    return int(os.environ.get(name, default))


def _secret_key():
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment():
    """Return the app settings read from the environment, with local defaults."""
    return {
        "SECRET_KEY": _secret_key(),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE / 'app.db'}"
        ),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "QUEUE_NAME": os.environ.get("QUEUE_NAME", "images"),
        "JOB_TIMEOUT": _int("JOB_TIMEOUT", 300),
        "STORAGE_BACKEND": os.environ.get("STORAGE_BACKEND", "local"),
        "STORAGE_ROOT": os.environ.get("STORAGE_ROOT", str(INSTANCE / "storage")),
        "S3_BUCKET": os.environ.get("S3_BUCKET", ""),
        "S3_REGION": os.environ.get("S3_REGION", "us-east-1"),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL") or None,
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
        "UPLOAD_URL_EXPIRY": _int("UPLOAD_URL_EXPIRY", 900),
        "MAX_UPLOAD_BYTES": _int("MAX_UPLOAD_BYTES", 50 * 1024 * 1024),
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "MODERATION_PROVIDER": os.environ.get("MODERATION_PROVIDER", "nudenet"),
        "MODERATION_MIN_CONFIDENCE": float(os.environ.get("MODERATION_MIN_CONFIDENCE", 60)),
        "MODERATION_CATEGORIES": os.environ.get(
            "MODERATION_CATEGORIES",
            "Explicit,Non-Explicit Nudity of Intimate parts and Kissing,Violence,"
            "Visually Disturbing,Hate Symbols",
        ),
        "MODERATION_RETRIES": _int("MODERATION_RETRIES", 3),
        "MODERATION_BACKOFF": float(os.environ.get("MODERATION_BACKOFF", 1.0)),
        "REKOGNITION_REGION": os.environ.get("REKOGNITION_REGION")
        or os.environ.get("S3_REGION", "us-east-1"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": _int("SMTP_PORT", 587),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "1") == "1",
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Campaign images <no-reply@example.org>"),
        "APP_URL": os.environ.get("APP_URL", "http://127.0.0.1:5000"),
    }


# Fixed for every deployment: not configuration, but named here so they live in one place.
FIXED = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session does
    # Uploads never pass through the web server, so requests stay small; the local
    # storage PUT route streams its body and checks its own size limit.
    "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
}
