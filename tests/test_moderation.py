"""Quarantine and review: flagged photos stay off every public path until an admin approves;
creators are told in plain words, in the app and by email (a real local SMTP server)."""
import pytest
from aiosmtpd.controller import Controller

from app import states
from app.extensions import db
from app.models import AuditEntry, Image, Notification
from app.storage import get_storage

from .conftest import Client, free_port, run_jobs
from .test_uploads import upload_photo


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf8", "replace")))
        return "250 OK"


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def config(config, inbox):
    return {**config, "MODERATION_PROVIDER": "manual", "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": inbox.port, "SMTP_STARTTLS": False}


@pytest.fixture
def quarantined(client, creator, campaign):
    """A hero photo uploaded by the creator and held for review."""
    client.login(creator)
    started = upload_photo(client, campaign)
    run_jobs()
    db.session.expire_all()
    image = db.session.get(Image, started["image_id"])
    assert image.state == states.QUARANTINED
    return image


def admin_client(app, admin):
    c = Client(app)
    c.login(admin)
    return c


def public_paths(image):
    """Every public URL the image's variants would have if they were published."""
    storage = get_storage()
    return [storage.public_url("variants/" + v.key.split("/", 1)[1]) for v in image.variants]


def test_flagged_photo_is_hidden_everywhere_public_until_approved(
        app, client, quarantined, admin, campaign):
    image = quarantined
    assert len(image.variants) == 6
    assert all(v.key.startswith("quarantine/") for v in image.variants)
    anonymous = app.test_client()
    page = anonymous.get("/c/clean-water").get_data(as_text=True)
    assert "variants/" not in page and "quarantine/" not in page
    for path in public_paths(image):
        assert anonymous.get(path).status_code == 404, path
    for v in image.variants:
        assert anonymous.get("/media/" + v.key).status_code == 404
        assert anonymous.get(f"/admin/images/{image.id}/variants/{v.id}").status_code == 302

    # The creator reads what is happening, on the card and in the notification centre.
    card = client.get(f"/images/{image.id}/card").get_data(as_text=True)
    assert "being checked by our team" in card and "less than a day" in card
    assert "hx-trigger" not in card  # nothing to poll for: a person decides now
    [note] = db.session.scalars(db.select(Notification)).all()
    assert note.user_id == image.uploader_id and "being checked by our team" in note.message
    assert ">1<" in client.get("/notifications/badge").get_data(as_text=True)

    admin_http = admin_client(app, admin)
    queue = admin_http.get("/admin/review").get_data(as_text=True)
    assert image.original_filename in queue and "Manual review of every photo" in queue
    thumb = admin_http.get(f"/admin/images/{image.id}/variants/{image.variants[-1].id}")
    assert thumb.status_code == 200 and thumb.headers["Cache-Control"] == "private, no-store"

    assert admin_http.form(f"/admin/images/{image.id}/approve").status_code == 302
    db.session.expire_all()
    image = db.session.get(Image, image.id)
    assert image.state == states.READY
    assert all(v.key.startswith("variants/") for v in image.variants)
    page = anonymous.get("/c/clean-water").get_data(as_text=True)
    for v in image.variants:
        assert get_storage().public_url(v.key) in page
        assert anonymous.get(get_storage().public_url(v.key)).status_code == 200
        assert get_storage().head("quarantine/" + v.key.split("/", 1)[1]) is None
    [entry] = db.session.scalars(db.select(AuditEntry)).all()
    assert (entry.action, entry.actor_id, entry.image_id) == ("approve", admin.id, image.id)
    assert "approved and is now on" in client.get("/notifications/").get_data(as_text=True)


def test_reject_tells_the_creator_in_the_app_and_by_email(app, client, quarantined, admin, inbox):
    admin_http = admin_client(app, admin)
    keys = [v.key for v in quarantined.variants]
    response = admin_http.form(f"/admin/images/{quarantined.id}/reject",
                               {"reason": "It shows a person who did not agree to be pictured"})
    assert response.status_code == 302
    db.session.expire_all()
    image = db.session.get(Image, quarantined.id)
    assert image.state == states.REJECTED and image.error_code == "moderation_rejected"
    assert image.variants == []
    assert all(get_storage().head(key) is None for key in keys)
    card = client.get(f"/images/{image.id}/card").get_data(as_text=True)
    assert "did not agree to be pictured" in card
    notes = client.get("/notifications/").get_data(as_text=True)
    assert "couldn&#39;t approve" in notes and "did not agree to be pictured" in notes
    [(recipients, message)] = inbox.messages
    assert recipients == ["creator@example.org"]
    assert "Subject: Your photo could not be approved" in message
    assert "did not agree to be pictured" in message
    [entry] = db.session.scalars(db.select(AuditEntry)).all()
    assert entry.action == "reject" and "did not agree" in entry.reason
    assert "did not agree" in admin_http.get("/admin/audit").get_data(as_text=True)


def test_reject_without_a_reason_changes_nothing(app, quarantined, admin, inbox):
    admin_http = admin_client(app, admin)
    response = admin_http.form(f"/admin/images/{quarantined.id}/reject", {"reason": " "})
    assert response.status_code == 400 and "reason" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Image, quarantined.id).state == states.QUARANTINED
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 0
    assert inbox.messages == []


def test_double_approval_and_approving_a_published_photo_are_refused(app, quarantined, admin):
    admin_http = admin_client(app, admin)
    assert admin_http.form(f"/admin/images/{quarantined.id}/approve").status_code == 302
    again = admin_http.form(f"/admin/images/{quarantined.id}/approve")
    assert again.status_code == 409 and "waiting for review" in again.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 1


def test_bulk_decisions(app, client, creator, campaign, admin):
    client.login(creator)
    ids = [upload_photo(client, campaign, name)["image_id"] for name in ("one.jpg", "two.jpg")]
    run_jobs()
    admin_http = admin_client(app, admin)
    refused = admin_http.form("/admin/review/bulk", {"image_ids": ids, "action": "reject"})
    assert refused.status_code == 400  # a reason is needed for a rejection
    done = admin_http.form("/admin/review/bulk", {"image_ids": ids, "action": "approve"},
                           follow_redirects=True)
    assert "Approved 2 photo(s)" in done.get_data(as_text=True)
    db.session.expire_all()
    assert [db.session.get(Image, i).state for i in ids] == [states.READY, states.READY]
    again = admin_http.form("/admin/review/bulk", {"image_ids": ids, "action": "approve"},
                            follow_redirects=True)
    assert "waiting for review" in again.get_data(as_text=True)


ROUTES = [("get", "/admin/review"), ("get", "/admin/audit"),
          ("post", "/admin/images/{id}/approve"), ("post", "/admin/images/{id}/reject"),
          ("post", "/admin/review/bulk")]


@pytest.mark.parametrize("method,path", ROUTES)
def test_review_routes_are_for_admins_only(app, client, quarantined, other_creator, method, path):
    path = path.format(id=quarantined.id)
    data = {"reason": "no reason at all", "image_ids": [quarantined.id], "action": "approve"}
    anonymous = Client(app)
    anonymous.fetch_token()
    response = (anonymous.form(path, data) if method == "post" else anonymous.get(path))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for person in (client, ):  # the photo's own creator may not decide about it either
        response = person.form(path, data) if method == "post" else person.get(path)
        assert response.status_code == 403
        assert "Only administrators" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Image, quarantined.id).state == states.QUARANTINED


def test_another_creator_never_sees_a_quarantined_photo(app, quarantined, other_creator):
    intruder = Client(app)
    intruder.login(other_creator)
    assert intruder.get(f"/images/{quarantined.id}/card").status_code == 404
    variant = quarantined.variants[0]
    assert intruder.get(f"/admin/images/{quarantined.id}/variants/{variant.id}").status_code == 404
    assert intruder.get("/admin/review").status_code == 403


def test_provider_outage_sends_the_photo_to_manual_review(app, client, creator, campaign,
                                                          monkeypatch):
    from app.moderation import ModerationUnavailable, Provider

    class Down(Provider):
        name = "rekognition"
        calls = 0

        def check(self, data):
            Down.calls += 1
            raise ModerationUnavailable("ThrottlingException")

    app.extensions["moderation"] = Down()
    client.login(creator)
    started = upload_photo(client, campaign)
    run_jobs()
    db.session.expire_all()
    image = db.session.get(Image, started["image_id"])
    assert image.state == states.QUARANTINED and Down.calls == 1 + app.config["MODERATION_RETRIES"]
    assert "Automatic check unavailable" in image.moderation_labels[0]["name"]
    assert all(v.key.startswith("quarantine/") for v in image.variants)


def test_mark_all_read_clears_the_badge(client, quarantined):
    assert ">1<" in client.get("/notifications/badge").get_data(as_text=True)
    client.form("/notifications/read")
    assert 'class="badge"' not in client.get("/notifications/badge").get_data(as_text=True)
