"""Campaigns: who may see which, creating and editing, and laying out the story."""
import re

from werkzeug.exceptions import NotFound

from ..extensions import db
from ..models import Campaign
from .access import owned_or_404

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_INLINE = re.compile(r"^\[image\s+(\d+)\]$", re.IGNORECASE)


def campaigns_for(user):
    """Campaigns `user` may see: their own, or all of them for an admin."""
    query = db.select(Campaign).order_by(Campaign.updated_at.desc())
    if not user.is_admin:
        query = query.filter_by(owner_id=user.id)
    return db.session.scalars(query).all()


def get_campaign_for(user, campaign_id):
    """Return the campaign if `user` may touch it; 404 otherwise (no hint that it exists)."""
    campaign = db.session.get(Campaign, campaign_id)
    return owned_or_404(campaign, campaign and campaign.owner_id, user, "campaign")


def get_public_campaign(slug):
    """Return the campaign published at /c/<slug>, or 404."""
    campaign = db.session.scalar(db.select(Campaign).filter_by(slug=slug))
    if campaign is None:
        raise NotFound("There is no campaign at this address.")
    return campaign


def slugify(text):
    """Turn a title into a URL slug: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")[:100]


def validate(fields, campaign=None):
    """Return a dict of field -> human error for a campaign form (empty when valid)."""
    errors = {}
    title = fields.get("title", "").strip()
    slug = fields.get("slug", "").strip().lower() or slugify(title)
    if not title:
        errors["title"] = "Please give your campaign a title."
    elif len(title) > 200:
        errors["title"] = "Titles can be at most 200 characters."
    if not _SLUG.match(slug or ""):
        errors["slug"] = "Use lowercase letters, digits and single hyphens, e.g. clean-water-2027."
    else:
        taken = db.session.scalar(db.select(Campaign).filter_by(slug=slug))
        if taken and taken is not campaign:
            errors["slug"] = f"The address /c/{slug} is already taken. Please choose another."
    if len(fields.get("summary", "")) > 500:
        errors["summary"] = "The summary can be at most 500 characters."
    return errors


def save_campaign(owner, fields, campaign=None):
    """Create or update a campaign from form fields; return (campaign, errors)."""
    errors = validate(fields, campaign)
    if errors:
        return campaign, errors
    if campaign is None:
        campaign = Campaign(owner=owner)
        db.session.add(campaign)
    campaign.title = fields["title"].strip()
    campaign.slug = fields.get("slug", "").strip().lower() or slugify(campaign.title)
    campaign.summary = fields.get("summary", "").strip()
    campaign.story = fields.get("story", "").replace("\r\n", "\n").strip()
    db.session.commit()
    return campaign, {}


def story_blocks(campaign):
    """Split the story into ('text', str) and ('image', Image) blocks for the public page.

    A paragraph that is just `[image N]` places the campaign's inline image number N there.
    """
    inline = {i.position: i for i in campaign.ready_images("inline")}
    blocks = []
    for paragraph in re.split(r"\n\s*\n", campaign.story or ""):
        paragraph = paragraph.strip()
        match = _INLINE.match(paragraph)
        if match:
            image = inline.get(int(match.group(1)))
            if image:
                blocks.append(("image", image))
        elif paragraph:
            blocks.append(("text", paragraph))
    return blocks
