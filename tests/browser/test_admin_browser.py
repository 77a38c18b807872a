"""An editor signs in to the admin in real Chromium and publishes an article with a library image and tags."""

import pytest

from articles.models import Article
from tests.browser.conftest import PASSWORD, editor
from tests.builders import library_image, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_publishes_through_the_admin_and_readers_see_it(page, section, screenshot):
    editor("eddie", "Eddie")  # the Editors group made again: an earlier transactional test may have flushed it
    library_image(content=png_bytes(900, 600), name="lighthouse.png", alt="A white lighthouse")
    csp_violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and csp_violations.append(msg.text))

    page.goto("/admin/login/")
    page.fill("#id_username", "eddie")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially("Lighthouse keeper retires")
    assert page.input_value("#id_slug") == "lighthouse-keeper-retires"  # prepopulated by the admin's script
    page.fill("#id_summary", "Forty years on the rocks.")
    page.locator(".field-body .ProseMirror[contenteditable=true]").click()  # the rich-text editor
    page.keyboard.type("She climbed the stairs one last time.")
    page.click("[data-image-chooser=hero] [data-chooser-open]")  # the image chooser: search the library
    page.fill("#library-chooser-q", "lighthouse")
    page.click(".chooser-item:has-text('A white lighthouse')")
    page.click("#id_section + .select2 .select2-selection")  # the section picker is an autocomplete
    page.fill(".select2-search__field", "Wor")
    page.click(".select2-results__option:has-text('World')")
    page.fill("#id_tags_chips", "coast, people")  # the tag chips (static/tags/chips.js)
    page.select_option("#id_status", "published")
    screenshot(page, "admin-add-article")
    page.locator("input[name=_save]").first.click()

    assert "was added successfully" in page.locator(".messagelist").inner_text()
    article = Article.objects.get(slug="lighthouse-keeper-retires")
    assert article.is_published and sorted(article.tags.names()) == ["coast", "people"]
    page.goto(article.get_absolute_url())
    assert page.locator("h1").inner_text() == "Lighthouse keeper retires"
    assert page.locator("img[alt='A white lighthouse']").is_visible()
    assert csp_violations == []
