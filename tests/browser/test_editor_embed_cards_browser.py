"""Embeds in the real editor (Chromium): a supported URL on its own line shows a preview card (provider, what it
is, the address) under it, fetched from nobody; the stored body keeps the bare URL, and readers still load the
embed only with a click."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.conftest import editor
from tests.browser.test_editor_browser import paste_html

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
POST = "https://x.com/metoffice/status/1234567890"


def test_an_embed_url_shows_a_preview_card_in_the_editor(signed_in, make_article, screenshot):
    editor("ana", "Ana")
    story = make_article(title="Storm reaches the harbour", body="<p>The storm came in overnight.</p>")
    page = signed_in("ana")
    outside = []
    here = {"127.0.0.1", "localhost"}
    page.on("request", lambda request: urlsplit(request.url).hostname not in here and outside.append(request.url))
    csp = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and csp.append(msg.text))

    page.goto(f"/admin/articles/article/{story.pk}/change/")
    body = page.locator(".field-body .ProseMirror[contenteditable=true]")
    body.get_by_text("The storm came in overnight.").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    paste_html(page, f"<p>{YOUTUBE}</p><p>{POST}</p><p>https://example.org/not-an-embed</p>")

    cards = body.locator(".embed-card")
    expect(cards).to_have_count(2)
    expect(cards.first.locator(".embed-card-provider")).to_have_text("YouTube video")
    expect(cards.first.locator(".embed-card-url")).to_have_text(YOUTUBE)
    expect(cards.nth(1).locator(".embed-card-provider")).to_have_text("X post")
    expect(cards.nth(1).locator(".embed-card-title")).to_have_text("Post by @metoffice")
    expect(cards.first).to_contain_text("nothing loads from YouTube until they press it")
    cards.first.scroll_into_view_if_needed()
    screenshot(page, "desk-embed-card", full_page=False)

    body.locator("p", has_text=POST).click(click_count=3)
    page.keyboard.press("Backspace")  # the URL gone, its card goes with it
    expect(cards).to_have_count(1)
    page.locator("input[name=_continue]").first.click()

    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    stored = Article.objects.get(pk=story.pk).body
    assert YOUTUBE in stored and "embed-card" not in stored and "metoffice" not in stored
    expect(page.locator(".field-body .embed-card")).to_have_count(1)  # drawn again from the stored URL

    reader = page.context.new_page()
    reader.goto(story.get_absolute_url())
    assert reader.locator("iframe").count() == 0
    expect(reader.get_by_role("button", name="Load YouTube content")).to_be_visible()
    assert outside == [] and csp == []
