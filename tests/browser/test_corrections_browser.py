"""Corrections and a story's numbers in real Chromium: a writer corrects a live story in the article form's own
editor, an editor approves it as a correction readers are told of, a reader sees the note; a story's chart."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import publishing
from articles.models import Article
from tests.browser.conftest import editor
from tests.browser.test_desk_browser import writer
from tests.builders import record_views

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(section) -> Article:
    wanda = writer("wanda", "Wanda", "wanda@example.com")
    article = Article(
        title="Ferry crossing cut",
        slug="ferry-crossing-cut",
        summary="The new boats are faster.",
        body="<p>The crossing takes 40 minutes from Monday.</p><p>Tickets cost the same.</p>",
        section=section,
        author=wanda,
    )
    return publishing.article_publish(article=publishing.article_create(article=article))


def test_a_writer_corrects_in_the_real_editor_and_readers_see_the_editors_correction_note(
    clear_of_the_hour, signed_in, page, story, screenshot
):
    editor("eddie", "Eddie")
    wanda = signed_in("wanda")
    wanda.goto(f"/admin/articles/article/{story.pk}/change/")
    wanda.click("#propose-correction")
    body = wanda.locator(".field-body .ProseMirror[contenteditable=true]")
    body.wait_for()
    assert wanda.locator("#body-stats").inner_text() == "11 words · 1 min read"  # the article form's own count
    body.locator("p").first.click()
    wanda.keyboard.press("End")
    for _ in range(len("40 minutes from Monday.")):
        wanda.keyboard.press("Backspace")
    wanda.keyboard.type("25 minutes from Monday.")
    wanda.click(".prose-menubar__button[data-name=bold]")  # the toolbar is the article form's
    wanda.keyboard.type(" Book ahead.")
    wanda.fill("#id_note", "The crossing is 25 minutes, not 40.")
    wanda.click("input[type=submit][value='Stage the correction']")
    assert "Correction staged" in wanda.locator(".messagelist").inner_text()

    eddie = signed_in("eddie")
    eddie.goto(f"/admin/articles/article/{story.pk}/change/")
    diff = eddie.locator("#staged-diff").inner_text()
    assert "Title (same)" in diff and "Summary (same)" in diff and "Body (same)" not in diff
    eddie.check("#id_is_correction")
    eddie.fill("#id_reader_note", "an earlier version said the crossing takes 40 minutes")
    eddie.click("#approve-correction")
    assert "Readers see the correction note." in eddie.locator(".messagelist").inner_text()
    story.refresh_from_db()
    assert "<strong> Book ahead.</strong>" in story.body and "25 minutes" in story.body

    page.goto(story.get_absolute_url())
    note = page.locator("#corrections").inner_text()
    today = timezone.localtime().strftime("%-d %B")
    assert note == f"Correction, {today}: an earlier version said the crossing takes 40 minutes"
    assert "25 minutes" in page.locator(".body").inner_text()
    page.locator("#corrections").scroll_into_view_if_needed()
    screenshot(page, "article-correction-note")


def test_an_editor_sees_a_storys_views_by_hour_and_its_rank_today(clear_of_the_hour, signed_in, story, screenshot):
    editor("eddie", "Eddie")
    now = timezone.now()
    Article.objects.filter(pk=story.pk).update(published_at=now - timedelta(hours=20))
    for hours_ago, views in [(19, 40), (15, 120), (12, 300), (8, 180), (4, 90), (1, 35)]:
        record_views(story, views, at=now - timedelta(hours=hours_ago))
    eddie = signed_in("eddie")
    eddie.goto(f"/admin/articles/article/{story.pk}/change/")
    numbers = eddie.locator("#story-numbers")
    assert numbers.locator("svg.desk-chart").is_visible()
    assert eddie.locator("#story-numbers rect.desk-chart-views").count() == 21
    assert "765 views and 0 votes in 21 hours" in numbers.inner_text()
    assert "No. 1 today" in numbers.inner_text()
    box = numbers.locator("svg").bounding_box()
    assert box["width"] > 300 and box["height"] > 60
    numbers.scroll_into_view_if_needed()
    screenshot(eddie, "desk-story-chart", element="#story-numbers")

    eddie.goto("/admin/")
    assert eddie.locator("#most-read li .desk-spark svg").first.is_visible()
