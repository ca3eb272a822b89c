"""The public campaign page at /c/<slug>."""
from flask import Blueprint, render_template

from ...services import campaigns as campaign_service

bp = Blueprint("public", __name__)


@bp.route("/c/<slug>")
def campaign(slug):
    """Render the live campaign page: hero, story with inline images, gallery."""
    campaign = campaign_service.get_public_campaign(slug)
    return render_template("public/campaign.html", campaign=campaign,
                           blocks=campaign_service.story_blocks(campaign))
