"""Email through SMTP, when SMTP_HOST is configured; otherwise nothing is sent."""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def send_email(to, subject, body):
    """Send one plain-text email; return True if the SMTP server accepted it.

    Failures are logged, not raised: the in-app notification is the record, email a courtesy.
    """
    config = current_app.config
    if not config["SMTP_HOST"]:
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["MAIL_FROM"], to, subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
        return True
    except (OSError, smtplib.SMTPException) as error:
        log.warning("could not email %s: %s", to, error)
        return False
