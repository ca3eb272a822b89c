"""The creator's notification centre, and email when SMTP is configured."""
from flask import current_app

from ..extensions import db
from ..mail import send_email
from ..models import Notification, utcnow


def notify(user, message, image=None, email_subject=None):
    """Store an in-app notification (committed with the caller's transaction) and maybe email it."""
    notification = Notification(user_id=user.id, image_id=image.id if image else None,
                                message=message)
    db.session.add(notification)
    if email_subject:
        link = current_app.config["APP_URL"].rstrip("/") + "/notifications"
        send_email(user.email, email_subject, f"{message}\n\nSee your notifications: {link}\n")
    return notification


def unread_count(user):
    """How many notifications `user` has not read yet."""
    return db.session.scalar(
        db.select(db.func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def recent(user, limit=50):
    """The user's latest notifications, newest first."""
    return db.session.scalars(
        db.select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ).all()


def mark_all_read(user):
    """Mark every unread notification of `user` as read."""
    db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
