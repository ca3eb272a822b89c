"""Database models: User, Campaign, Image and Variant."""
from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import update
from werkzeug.security import check_password_hash, generate_password_hash

from . import states
from .extensions import db

ROLES = ("creator", "admin")
PLACEMENTS = ("hero", "gallery", "inline")


def utcnow():
    """Return the current time in UTC, timezone-aware."""
    return datetime.now(timezone.utc)


class User(UserMixin, db.Model):
    """A person who logs in: a campaign creator or a platform admin."""

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), unique=True, nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    role = db.Column(db.String(16), nullable=False, default="creator")
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    campaigns = db.relationship("Campaign", back_populates="owner")

    def set_password(self, password):
        """Store a salted hash of `password`."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        """Return True when `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self):
        """True for platform administrators."""
        return self.role == "admin"


class Campaign(db.Model):
    """A fundraising page: text by its owner, images in three placements."""

    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    title = db.Column(db.String(200), nullable=False)
    slug = db.Column(db.String(100), unique=True, nullable=False)
    summary = db.Column(db.String(500), nullable=False, default="")
    story = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = db.Column(
        db.DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow
    )

    owner = db.relationship("User", back_populates="campaigns")
    images = db.relationship(
        "Image", back_populates="campaign", order_by="Image.position, Image.id"
    )

    def ready_images(self, placement):
        """Return this campaign's published images for one placement, in order."""
        return [i for i in self.images if i.placement == placement and i.state == states.READY]

    @property
    def hero(self):
        """The newest published hero image, or None."""
        heroes = self.ready_images("hero")
        return max(heroes, key=lambda i: i.id) if heroes else None


class Image(db.Model):
    """One photo on a campaign, from upload to published variants (see states.py)."""

    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.Integer, db.ForeignKey("campaign.id"), nullable=False, index=True)
    uploader_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    placement = db.Column(db.String(16), nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)
    state = db.Column(db.String(20), nullable=False, default=states.PENDING_UPLOAD, index=True)
    original_key = db.Column(db.String(300), nullable=False, unique=True)
    original_filename = db.Column(db.String(255), nullable=False, default="")
    declared_bytes = db.Column(db.BigInteger, nullable=False)
    content_hash = db.Column(db.String(64))
    width = db.Column(db.Integer)
    height = db.Column(db.Integer)
    bytes = db.Column(db.BigInteger)
    dominant_colour = db.Column(db.String(7))  # "#rrggbb", painted before the image loads
    placeholder = db.Column(db.Text)  # a ~16 px WebP data: URI, shown blurred meanwhile
    moderation_provider = db.Column(db.String(20))
    moderation_labels = db.Column(db.JSON)  # [{name, confidence, category}, ...]
    error_code = db.Column(db.String(40))
    error_message = db.Column(db.String(500))
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = db.Column(
        db.DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow
    )

    campaign = db.relationship("Campaign", back_populates="images")
    uploader = db.relationship("User")
    variants = db.relationship(
        "Variant",
        back_populates="image",
        cascade="all, delete-orphan",
        order_by="Variant.width.desc(), Variant.format",
    )

    def transition_to(self, new_state):
        """Move to `new_state`, refusing anything the state table does not allow."""
        states.check(self.state, new_state)
        self.state = new_state

    @property
    def is_final(self):
        """True when no background work is pending for this image."""
        return self.state in states.FINAL

    @property
    def is_working(self):
        """True while a worker has (or will soon have) this image: its card polls."""
        return self.state in states.WORKING

    def claim(self, expected, new_state):
        """Atomically move from `expected` to `new_state`; False if someone else got there first.

        One UPDATE ... WHERE state = expected, so two workers handed the same job
        (a re-enqueue after a Redis outage, say) can never both process it.
        """
        states.check(expected, new_state)
        result = db.session.execute(
            update(Image)
            .where(Image.id == self.id, Image.state == expected)
            .values(state=new_state, updated_at=utcnow())
        )
        db.session.commit()
        db.session.refresh(self)
        return result.rowcount == 1

    def seconds_since_update(self):
        """Seconds since the row last changed (SQLite returns naive UTC datetimes)."""
        moment = self.updated_at
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return (utcnow() - moment).total_seconds()

    def variants_of(self, fmt):
        """Return this image's variants in one format, widest first."""
        return [v for v in self.variants if v.format == fmt]


class Upload(db.Model):
    """The browser's upload of one image's original: how it is split, and how far it got."""

    id = db.Column(db.Integer, primary_key=True)
    image_id = db.Column(db.Integer, db.ForeignKey("image.id"), nullable=False, unique=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    strategy = db.Column(db.String(10), nullable=False)  # single | multipart
    multipart_id = db.Column(db.String(1024))  # the storage's id for a multipart upload
    size = db.Column(db.BigInteger, nullable=False)
    part_size = db.Column(db.BigInteger, nullable=False)
    part_count = db.Column(db.Integer, nullable=False)
    content_type = db.Column(db.String(100), nullable=False)
    state = db.Column(db.String(12), nullable=False, default="open")  # open | completed
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    image = db.relationship("Image", backref=db.backref("upload", uselist=False))

    def part_range(self, number):
        """(offset, size) of part `number`, counted from 1."""
        offset = (number - 1) * self.part_size
        return offset, min(self.part_size, self.size - offset)


class Variant(db.Model):
    """One processed output file of an image: a width in one format."""

    id = db.Column(db.Integer, primary_key=True)
    image_id = db.Column(db.Integer, db.ForeignKey("image.id"), nullable=False, index=True)
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    format = db.Column(db.String(10), nullable=False)
    key = db.Column(db.String(300), nullable=False)
    bytes = db.Column(db.BigInteger, nullable=False)

    image = db.relationship("Image", back_populates="variants")

    __table_args__ = (db.UniqueConstraint("image_id", "width", "format", name="uq_variant_size"),)


class Notification(db.Model):
    """A plain-language message for one user, shown in the notification centre."""

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    image_id = db.Column(db.Integer, db.ForeignKey("image.id", ondelete="SET NULL"))
    message = db.Column(db.String(1000), nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    read_at = db.Column(db.DateTime(timezone=True))

    user = db.relationship("User")


class AuditEntry(db.Model):
    """Who decided what about an image, when and why. Never edited, never deleted."""

    id = db.Column(db.Integer, primary_key=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    image_id = db.Column(db.Integer, nullable=False, index=True)  # kept even if the image goes
    campaign_id = db.Column(db.Integer, nullable=False)
    action = db.Column(db.String(20), nullable=False)  # approve | reject
    reason = db.Column(db.String(500), nullable=False, default="")
    labels = db.Column(db.JSON)  # what the provider saw, as it was when decided
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    actor = db.relationship("User")
