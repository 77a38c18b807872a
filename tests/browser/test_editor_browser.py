"""The body editor in real Chromium: toolbar, word count, embeds, removals reported, demo bodies unchanged,
and no CSP violation anywhere (the site's CSP has no 'unsafe-inline')."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from articles.demo import stories
from articles.models import Article
from articles.publishing import article_create
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def sign_in_as_editor(page, live_server) -> None:
    """A superuser (test_admin_browser covers the roles) signed in to the page's browser."""
    User.objects.create_superuser("eddie", password="right-password-123")
    sign_in(page.context, "eddie", live_server.url)


def watch_csp(page) -> list[str]:
    violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and violations.append(msg.text))
    return violations


def paste_html(page, html: str) -> None:
    page.locator(".field-body .ProseMirror[contenteditable=true]").evaluate(
        """(editor, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", html);
            editor.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        html,
    )


def test_editor_writes_with_the_toolbar_embeds_a_video_and_is_told_what_was_removed(
    page, live_server, section, screenshot
):
    csp_violations = watch_csp(page)
    sign_in_as_editor(page, live_server)
    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "Storm reaches the harbour")
    body = page.locator(".field-body .ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type("What we know")
    page.click(".prose-menubar__selected")  # the block type dropdown
    page.click(".prose-menubar__option[data-name=heading2]")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.click(".prose-menubar__button[data-name=bulletList]")
    page.keyboard.type("Ferries stopped")
    page.keyboard.press("Enter")
    page.keyboard.type("Schools closed")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # out of the list
    page.click(".prose-menubar__button[data-name=blockquote]")
    page.keyboard.type("Stay indoors")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # out of the quote
    paste_html(page, f"<p>{YOUTUBE}</p>")
    paste_html(page, '<iframe src="https://widgets.example.com/poll/7"></iframe><p>Read the warning</p>')
    body.get_by_text("Read the warning").click(click_count=3)
    page.click(".prose-menubar__button[data-name=link]")
    page.fill(".prose-editor-dialog input[name=href]", "https://example.org/warning")
    page.click(".prose-editor-dialog button[type=submit]")
    body.get_by_role("link", name="Read the warning").wait_for()
    page.locator("#id_title").scroll_into_view_if_needed()
    screenshot(page, "editor-toolbar", full_page=False)
    assert page.locator(".body-stats").inner_text().endswith("words · 1 min read")
    words = int(page.locator(".body-stats").inner_text().split()[0])
    assert words >= 13
    page.fill("#id_meta_description", "Ferries stopped and schools closed as the storm reached the harbour.")
    search_preview = page.locator("[data-seo-preview=search]")
    expect(search_preview.locator("[data-preview-text]").first).to_have_text("Storm reaches the harbour")
    expect(search_preview).to_contain_text("Ferries stopped and schools closed")
    expect(search_preview.locator("[data-description-length]")).to_contain_text("68 characters (short")
    page.select_option("#id_status", "published")
    page.click("#id_section + .select2 .select2-selection")
    page.fill(".select2-search__field", "Wor")
    page.click(".select2-results__option:has-text('World')")
    page.locator("input[name=_continue]").first.click()

    messages = page.locator(".messagelist").inner_text()
    assert "was added successfully" in messages
    assert "removed: an iframe from widgets.example.com" in messages
    stored = Article.objects.get(slug="storm-reaches-the-harbour").body
    assert "<h2>What we know</h2>" in stored
    link = r'<a href="https://example.org/warning"[^>]* rel="noopener noreferrer">Read the warning</a>'
    assert re.search(link, stored)
    assert "<ul><li><p>Ferries stopped</p></li><li><p>Schools closed</p></li></ul>" in stored
    assert "<blockquote><p>Stay indoors</p></blockquote>" in stored
    assert YOUTUBE in stored and "widgets.example.com" not in stored

    page.goto("/news/storm-reaches-the-harbour/")
    assert page.locator("iframe").count() == 0  # nothing from YouTube until the reader asks
    page.get_by_role("button", name="Load YouTube content").click()
    frame = page.locator("figure.embed iframe")
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    page.wait_for_timeout(300)
    assert csp_violations == []


def test_demo_bodies_come_back_unchanged_from_the_editor(page, live_server, section):
    """Six demo bodies, one after the other in one article (a body is a run of blocks, so six of them are one body
    with every kind of block in it): the editor loads and saves it back byte for byte."""
    csp_violations = watch_csp(page)
    bodies = [stories.generate_article(seed=7, index=n, topic_key="world", region="asia").body for n in range(6)]
    assert any("<ul>" in b for b in bodies) and any("<blockquote>" in b for b in bodies)
    article = article_create(article=Article(title="Demo", slug="demo", body="".join(bodies), section=section))
    assert article.body == "".join(bodies)  # stored as written: the sanitiser changed nothing either
    sign_in_as_editor(page, live_server)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.locator(".field-body .ProseMirror[contenteditable=true]").wait_for()
    page.locator("input[name=_save]").first.click()
    assert "No changes to save: “Demo” is as it was." in page.locator(".messagelist").inner_text()
    assert Article.objects.get(pk=article.pk).body == article.body
    assert csp_violations == []
