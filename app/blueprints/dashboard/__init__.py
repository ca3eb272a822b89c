"""The creator's dashboard: campaigns, their edit pages and image cards."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ... import states
from ..common import require_login, vary_on_htmx
from ...imaging import PLACEMENTS
from ...services import campaigns as campaign_service
from ...services import images as image_service

bp = Blueprint("dashboard", __name__)

FORM_FIELDS = ("title", "slug", "summary", "story")


require_login(bp)
vary_on_htmx(bp)


@bp.route("/")
def index():
    """List the campaigns the user may edit."""
    return render_template("dashboard/index.html",
                           campaigns=campaign_service.campaigns_for(current_user))


@bp.route("/campaigns/new", methods=["GET", "POST"])
def new_campaign():
    """Create a campaign."""
    errors, fields = {}, {}
    if request.method == "POST":
        fields = {name: request.form.get(name, "") for name in FORM_FIELDS}
        campaign, errors = campaign_service.save_campaign(current_user, fields)
        if not errors:
            flash("Campaign created. Add a hero image to bring it to life.")
            return redirect(url_for("dashboard.edit_campaign", campaign_id=campaign.id))
    return render_template("dashboard/campaign_form.html", campaign=None, fields=fields,
                           errors=errors), 422 if errors else 200


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
def edit_campaign(campaign_id):
    """Edit a campaign's text and images."""
    campaign = campaign_service.get_campaign_for(current_user, campaign_id)
    errors = {}
    fields = {name: getattr(campaign, name) for name in FORM_FIELDS}
    if request.method == "POST":
        fields = {name: request.form.get(name, "") for name in FORM_FIELDS}
        _, errors = campaign_service.save_campaign(campaign.owner, fields, campaign)
        if not errors:
            flash("Saved.")
            return redirect(url_for("dashboard.edit_campaign", campaign_id=campaign.id))
    return render_template("dashboard/edit.html", campaign=campaign, fields=fields,
                           errors=errors, placements=PLACEMENTS), 422 if errors else 200


@bp.route("/images/<int:image_id>/retry", methods=["POST"])
def retry_image(image_id):
    """Try processing a failed image again; answer with its (now polling) card."""
    image = image_service.get_image_for(current_user, image_id)
    image_service.retry(image)
    return render_template("partials/_image_card.html", image=image)


@bp.route("/images/<int:image_id>/card")
def image_card(image_id):
    """One image's card; htmx polls it while work runs and the card stops polling after."""
    image = image_service.get_image_for(current_user, image_id)
    if image.state == states.UPLOADED and image.seconds_since_update() > 30:
        image_service.enqueue_processing(image.id)  # Redis was down when it finished
    return render_template("partials/_image_card.html", image=image)

