"""Campaigns: creators touch only their own, admins see all, the public page renders."""
from app import states
from app.extensions import db
from app.models import Campaign, Image, Variant


def test_creator_creates_and_edits_a_campaign(client, creator):
    client.login(creator)
    response = client.form("/campaigns/new", {"title": "School roof", "summary": "Dry classrooms",
                                               "story": "Rain gets in."})
    assert response.status_code == 302
    campaign = db.session.scalar(db.select(Campaign).filter_by(slug="school-roof"))
    assert campaign.owner_id == creator.id
    client.form(f"/campaigns/{campaign.id}", {"title": "School roof 2027", "slug": "school-roof",
                                              "summary": "Dry", "story": "Still raining."})
    db.session.refresh(campaign)
    assert campaign.title == "School roof 2027" and campaign.story == "Still raining."


def test_a_taken_slug_is_refused_and_nothing_is_saved(client, creator, campaign):
    client.login(creator)
    response = client.form("/campaigns/new", {"title": "Another", "slug": campaign.slug})
    assert response.status_code == 422
    assert "already taken" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Campaign)) == 1


def test_another_creators_campaign_is_out_of_reach(client, other_creator, campaign):
    client.login(other_creator)
    assert client.get(f"/campaigns/{campaign.id}").status_code == 404
    response = client.form(f"/campaigns/{campaign.id}", {"title": "Hijacked", "slug": "hijacked"})
    assert response.status_code == 404
    assert "couldn" in response.get_data(as_text=True)
    db.session.refresh(campaign)
    assert campaign.title == "Clean water"
    assert "Clean water" not in client.get("/").get_data(as_text=True)


def test_admin_sees_every_campaign(client, admin, campaign):
    client.login(admin)
    assert "Clean water" in client.get("/").get_data(as_text=True)
    assert client.get(f"/campaigns/{campaign.id}").status_code == 200


def test_dashboard_needs_login(client, campaign):
    response = client.get(f"/campaigns/{campaign.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def add_ready_image(campaign, placement, position=0, name="abc"):
    image = Image(campaign=campaign, uploader_id=campaign.owner_id, placement=placement,
                  position=position, state=states.READY, original_key=f"originals/1/{name}",
                  declared_bytes=10, width=800, height=600)
    for fmt, ext in (("webp", "webp"), ("jpeg", "jpg")):
        image.variants.append(Variant(width=800, height=600, format=fmt,
                                      key=f"variants/{name}-800w.{ext}", bytes=10))
    db.session.add(image)
    db.session.commit()
    return image


def test_public_page_shows_published_images_in_their_places(client, campaign):
    add_ready_image(campaign, "hero", name="hero")
    add_ready_image(campaign, "inline", position=1, name="inline1")
    add_ready_image(campaign, "gallery", position=1, name="gal1")
    pending = Image(campaign=campaign, uploader_id=campaign.owner_id, placement="gallery",
                    state=states.PROCESSING, original_key="originals/1/pending", declared_bytes=1)
    db.session.add(pending)
    campaign.story = "First paragraph.\n\n[image 1]\n\nLast paragraph."
    db.session.commit()
    html = client.get("/c/clean-water").get_data(as_text=True)
    assert html.index("hero-800w.webp") < html.index("First paragraph.")
    assert html.index("First paragraph.") < html.index("inline1-800w.jpg") < html.index("Last paragraph.")
    assert "gal1-800w.webp" in html
    assert "originals/" not in html
    assert client.get("/c/no-such-campaign").status_code == 404
