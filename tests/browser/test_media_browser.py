"""The media library in real Chromium: upload, set the focal point by clicking, choose the image for an
article; the reader page's og:image is the 1200x630 card cut around that point; no CSP violation."""

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PillowImage
from playwright.sync_api import expect

from articles.media import renditions
from articles.media.models import Image as LibraryImage
from articles.models import Article
from tests.browser.test_editor_browser import sign_in_as_editor, watch_csp
from tests.builders import landscape_jpeg, use_public_domain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_uploads_sets_the_focal_point_and_picks_the_image(page, live_server, section, tmp_path, screenshot):
    csp_violations = watch_csp(page)
    picture = tmp_path / "harbour.jpg"
    picture.write_bytes(landscape_jpeg(2400, 1600))
    sign_in_as_editor(page, live_server)

    page.goto("/admin/library/image/add/")
    page.set_input_files("#id_file", str(picture))
    page.fill("#id_alt", "Boats in the harbour at dawn")
    page.fill("#id_credit", "Photo: Test")
    page.locator("input[name=_continue]").first.click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    picker = page.locator("[data-focal-picker] img")
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    assert page.input_value("#id_focal_x") == "0.25" and page.input_value("#id_focal_y") == "0.75"
    screenshot(page, "media-focal-point", full_page=False)
    page.locator("input[name=_save]").first.click()
    image = LibraryImage.objects.get()
    assert (image.focal_x, image.focal_y) == (0.25, 0.75) and image.uploaded_by.username == "eddie"

    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "Fishing fleet returns")
    page.locator(".field-body .ProseMirror[contenteditable=true]").click()
    page.keyboard.type("The boats came home at dawn.")
    page.click("[data-image-chooser=hero] [data-chooser-open]")  # the chooser: recent images first, then search
    expect(page.locator(".chooser-item .chooser-alt").first).to_have_text("Boats in the harbour at dawn")
    page.fill("#library-chooser-q", "harbour")
    expect(page.locator(".chooser-item")).to_have_count(1)
    screenshot(page, "media-chooser", full_page=False)
    page.click(".chooser-item:has-text('Boats in the harbour at dawn')")
    page.click("#id_section + .select2 .select2-selection")
    page.fill(".select2-search__field", "Wor")
    page.click(".select2-results__option:has-text('World')")
    page.select_option("#id_status", "published")
    page.locator("input[name=_save]").first.click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    use_public_domain()
    article = Article.objects.select_related("hero").get()
    assert article.hero == image
    page.goto(article.get_absolute_url())
    og_image = page.locator("meta[property='og:image']").get_attribute("content")
    card = renditions.social_card_name(image)
    assert og_image == f"http://news.example.com/media/{card}"
    with default_storage.open(card) as stored, PillowImage.open(stored) as opened:
        assert opened.size == (1200, 630)
    assert page.locator("meta[property='og:image:width']").get_attribute("content") == "1200"
    assert page.locator("img[alt='Boats in the harbour at dawn']").evaluate(
        "img => img.decode().then(() => img.naturalWidth > 0, () => false)"
    )
    assert csp_violations == []
