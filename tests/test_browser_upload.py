"""Step 8 of the foundation, in real headless Chromium with a real Redis and worker:
a creator picks a hero JPEG, the browser PUTs it straight to storage, the worker makes the
variants, the card updates by itself and stops polling, and the public page shows it."""
import pytest

from .browser import log_in
from .conftest import CORPUS, PASSWORD

PHOTO = CORPUS / "files" / "orientation" / "Landscape_6.jpg"


@pytest.mark.browser
def test_hero_upload_reaches_the_public_page(browser, live_server, worker, creator, campaign):
    page = browser.new_page()
    log_in(page, live_server, creator, PASSWORD)
    page.goto(f"{live_server}/campaigns/{campaign.id}")

    seen = {"card": 0, "storage_put": 0, "app_bytes": 0}

    def on_request(request):
        if "/card" in request.url:
            seen["card"] += 1
        if request.method == "PUT" and "/storage/originals/" in request.url:
            seen["storage_put"] += 1

    page.on("request", on_request)
    page.set_input_files('input[data-upload-placement="hero"]', str(PHOTO))
    page.wait_for_selector('#cards-hero .image-card[data-state="ready"] img', timeout=60_000)
    assert seen["storage_put"] == 1  # the bytes went in one signed PUT
    card_text = page.inner_text("#cards-hero .image-card")
    assert "Ready and live" in card_text and "1800 × 1200" in card_text
    thumb = page.eval_on_selector("#cards-hero img", "img => [img.complete, img.naturalWidth]")
    assert thumb[0] and thumb[1] > 0

    polls = seen["card"]
    page.wait_for_timeout(2500)
    assert seen["card"] == polls, "the card kept polling after the image was ready"

    page.goto(f"{live_server}/c/{campaign.slug}")
    page.wait_for_function("() => document.querySelector('header.hero img').naturalWidth > 0")
    hero = page.eval_on_selector(
        "header.hero img", "img => [img.currentSrc, img.naturalWidth, img.naturalHeight]")
    assert "/media/variants/" in hero[0] and hero[0].endswith(".webp")
    assert hero[1] > hero[2], "the EXIF-6 photo should display upright as landscape"


@pytest.mark.browser
def test_a_document_named_jpg_is_refused_before_anything_is_sent(browser, live_server, creator,
                                                                 campaign):
    page = browser.new_page()
    log_in(page, live_server, creator, PASSWORD)
    page.goto(f"{live_server}/campaigns/{campaign.id}")
    api_calls = []
    page.on("request", lambda request: "/api/uploads" in request.url and api_calls.append(request))
    page.set_input_files('input[data-upload-placement="gallery"]',
                         str(CORPUS / "files/hostile/ole_document_named.jpg"))
    card = page.wait_for_selector('#cards-gallery .image-card[data-state="failed"]')
    assert card.inner_text().count("This is an Office document. Please choose a JPEG, PNG or HEIC photo.") == 1
    assert not page.is_visible("#cards-gallery button.retry")
    assert api_calls == []  # checked in the browser, from the file's first bytes
    page.click("#cards-gallery button:has-text('Dismiss')")
    assert page.query_selector("#cards-gallery .image-card") is None


@pytest.mark.browser
def test_photos_dropped_on_a_section_are_uploaded(browser, live_server, worker, creator, campaign):
    import base64

    page = browser.new_page()
    log_in(page, live_server, creator, PASSWORD)
    page.goto(f"{live_server}/campaigns/{campaign.id}")
    photo = base64.b64encode((CORPUS / "files/jpeg_meta/iptc.jpg").read_bytes()).decode()
    transfer = page.evaluate_handle("""(b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], "dropped.jpg", { type: "image/jpeg" }));
        return transfer;
    }""", photo)
    zone = page.locator("section.dropzone", has=page.locator("#cards-gallery"))
    zone.dispatch_event("dragover", {"dataTransfer": transfer})
    assert "dragging" in zone.get_attribute("class")
    zone.dispatch_event("drop", {"dataTransfer": transfer})
    page.wait_for_selector('#cards-gallery .image-card[data-state="ready"]', timeout=60_000)
    assert "dropped.jpg" in page.inner_text("#cards-gallery")
