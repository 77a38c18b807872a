"""A take-over in two real Chromium sessions: the first editor's open form hears it within seconds (its own
heartbeat, nothing forced), saving is off, "Copy my text" hands back what they typed, and a save sent anyway
is refused by the server with the text still in the form."""

import pytest

from articles import publishing
from articles.models import Article
from tests.browser.conftest import editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEARTBEAT_MS = 10_000


@pytest.fixture
def story(section) -> Article:
    article = Article(title="Harbour reopens", slug="harbour-reopens", body="<p>Ships are back.</p>", section=section)
    return publishing.article_publish(article=publishing.article_create(article=article))


def test_the_first_editor_hears_of_the_take_over_cannot_save_and_keeps_their_text(signed_in, story, screenshot):
    editor("ana", "Ana"), editor("bo", "Bo")
    change_url = f"/admin/articles/article/{story.pk}/change/"
    ana = signed_in("ana")
    ana.clock.install()  # her form's timers run on a clock the test moves: the 10 s to her next beat, not waited
    ana.goto(change_url)
    ana.fill("#id_title", "Harbour reopens after the storm")
    ana.locator(".ProseMirror[contenteditable=true]").first.click()
    ana.keyboard.press("Control+A")
    ana.keyboard.type("Ships are back after three days of storm.")

    bo = signed_in("bo")
    bo.goto(change_url)
    bo.click(".desk-take-over button")
    assert "You are editing this article now" in bo.locator(".messagelist").inner_text()

    # No beat forced: Ana's form checks in every 10 s on its own (static/desk/heartbeat.js).
    ana.clock.run_for(HEARTBEAT_MS)
    ana.locator("#desk-lock-notice", has_text="they took over from you").wait_for(timeout=15_000)
    assert "Bo is editing since" in ana.locator("#desk-lock-notice").inner_text()
    assert ana.locator("input[name=_continue]").first.is_disabled()
    assert ana.locator("input[name=_save]").first.is_disabled()
    ana.click("#desk-copy-text")
    copied = ana.input_value("#desk-my-text")
    screenshot(ana, "desk-taken-over", full_page=False)
    assert "Harbour reopens after the storm" in copied and "three days of storm" in copied

    # A save sent anyway (no script, an old tab): the server refuses it and gives her text back.
    ana.evaluate("HTMLFormElement.prototype.submit.call(document.getElementById('article_form'))")
    ana.wait_for_load_state()
    assert "Not saved: Bo took over this article at" in ana.locator(".errorlist.nonfield").inner_text()
    assert ana.input_value("#id_title") == "Harbour reopens after the storm"
    assert "three days of storm" in ana.input_value("#id_body")
    story.refresh_from_db()
    assert (story.title, story.body) == ("Harbour reopens", "<p>Ships are back.</p>")
