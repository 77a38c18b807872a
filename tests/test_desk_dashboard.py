"""The admin's index is the newsroom dashboard; each list links straight to the story."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import publishing
from articles.desk import workflow
from articles.models import Article
from tests.builders import record_views
from tests.desk_helpers import CHANGE_URL, staff

pytestmark = pytest.mark.django_db


def section_of(page: str, section_id: str) -> str:
    start = page.index(f'id="{section_id}"')
    return page[start : page.index("</section>", start)]


def test_an_editor_sees_what_awaits_review_goes_out_next_is_edited_and_changed(
    client, wanda, eddie, make_article, django_assert_max_num_queries
):
    submitted = make_article(title="Ferry timetable", status=Article.Status.DRAFT, author=wanda)
    workflow.review_submit(article=submitted, by=wanda)
    soon = make_article(title="Budget at noon", status="published", published_at=timezone.now() + timedelta(hours=3))
    make_article(title="Budget next week", status="published", published_at=timezone.now() + timedelta(days=7))
    opened = make_article(title="Open story")
    publishing.article_update(article=submitted, by=wanda, tags=["ferry"])
    third = staff("ana", "Editors", first_name="Ana")
    client.force_login(third)
    client.get(CHANGE_URL.format(pk=opened.pk))  # Ana has it open

    client.force_login(eddie)
    with django_assert_max_num_queries(30):
        page = client.get("/admin/").content.decode()

    review = section_of(page, "awaiting-review")
    assert "Ferry timetable" in review and f"/admin/articles/article/{submitted.pk}/change/" in review
    scheduled = section_of(page, "scheduled")
    assert "Budget at noon" in scheduled and "Budget next week" not in scheduled
    assert f"/admin/articles/article/{soon.pk}/change/" in scheduled
    edited = section_of(page, "being-edited")
    assert "Open story" in edited and "Ana since" in edited
    changes = section_of(page, "latest-changes")
    assert "Ferry timetable" in changes and "Wanda" in changes
    assert 'id="changes-requested"' in page and "Articles" in page  # the models are still listed below


def test_a_writer_sees_own_drafts_and_the_changes_asked_of_them(client, wanda, eddie, make_article):
    mine = make_article(title="My draft", status=Article.Status.DRAFT, author=wanda)
    sent_back = make_article(title="Sent back", status=Article.Status.DRAFT, author=wanda)
    make_article(title="Someone else's draft", status=Article.Status.DRAFT, author=eddie)
    workflow.review_submit(article=sent_back, by=wanda)
    workflow.review_request_changes(article=sent_back, by=eddie, note="Needs a second source.")
    client.force_login(wanda)

    page = client.get("/admin/").content.decode()

    drafts = section_of(page, "my-drafts")
    assert "My draft" in drafts and "Sent back" in drafts and "Someone else" not in drafts
    assert f"/admin/articles/article/{mine.pk}/change/" in drafts
    asked = section_of(page, "changes-requested")
    assert "Sent back" in asked and "Needs a second source." in asked
    assert 'id="awaiting-review"' not in page  # writers review nothing


def test_most_read_over_the_last_hour_day_and_week(client, eddie, make_article):
    now = timezone.now()
    hour, day, week = make_article(title="Hot now"), make_article(title="Big today"), make_article(title="Big week")
    record_views(hour, 30, at=now - timedelta(minutes=10))
    record_views(day, 80, at=now - timedelta(hours=5))
    record_views(week, 300, at=now - timedelta(days=3))
    client.force_login(eddie)
    with time_machine.travel(now, tick=False):
        page = section_of(client.get("/admin/").content.decode(), "most-read")
    columns = [re.findall(r'change/">([^<]+)</a>', column) for column in page.split("<h3>")[1:4]]
    assert [column[0] for column in columns] == ["Hot now", "Big today", "Big week"]
    assert columns[1].index("Big today") < columns[1].index("Hot now")
