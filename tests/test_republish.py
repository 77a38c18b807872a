"""Republishing a story (unpublished, then "Publish now") keeps its original publish time: it goes back to its
place on home and in the feeds. Moving it to now is an explicit choice ("as new")."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import publishing
from articles.desk import versions, workflow
from articles.models import Article
from tests.desk_helpers import CHANGE_URL

pytestmark = pytest.mark.django_db
LIST_URL = "/admin/articles/article/"


@pytest.fixture
def first_published():
    return (timezone.now() - timedelta(days=10)).replace(microsecond=0)


@pytest.fixture
def unpublished(make_article, first_published):
    """A 10-day-old story taken down (a legal check, say), with a newer story live above it."""
    make_article(title="Yesterday's story", slug="yesterdays-story", published_at=timezone.now() - timedelta(days=1))
    story = make_article(title="Old harbour story", slug="old-harbour-story", published_at=first_published)
    return publishing.article_unpublish(article=story, base_version=story.version)


def feed_titles(client) -> list[str]:
    return [item.findtext("title") for item in ET.fromstring(client.get("/feed/").content).iter("item")]


def test_publish_now_on_an_unpublished_story_keeps_its_publish_time(client, eddie, unpublished, first_published):
    client.force_login(eddie)
    client.post(LIST_URL, {"action": "publish_now", "_selected_action": [unpublished.pk]})

    unpublished.refresh_from_db()
    assert unpublished.is_published and unpublished.published_at == first_published
    client.logout()
    assert feed_titles(client) == ["Yesterday's story", "Old harbour story"]  # back in its place, not on top
    home = client.get("/").content.decode()
    assert home.index("Yesterday&#x27;s story") < home.index("Old harbour story")


def test_publish_now_as_new_moves_the_publish_time_to_now(client, eddie, unpublished):
    client.force_login(eddie)
    before = timezone.now()
    client.post(LIST_URL, {"action": "publish_as_new", "_selected_action": [unpublished.pk]})

    unpublished.refresh_from_db()
    assert unpublished.is_published and unpublished.published_at >= before.replace(microsecond=0)
    client.logout()
    assert feed_titles(client)[0] == "Old harbour story"


def test_the_review_panel_keeps_the_time_unless_told_to_publish_as_new(client, eddie, unpublished, first_published):
    client.force_login(eddie)
    page = client.get(CHANGE_URL.format(pk=unpublished.pk)).content.decode()
    assert 'id="publish-as-new"' in page
    assert f"it keeps {timezone.localtime(first_published):%Y-%m-%d %H:%M}" in page

    client.post(f"{LIST_URL}{unpublished.pk}/review/publish/")
    unpublished.refresh_from_db()
    assert unpublished.published_at == first_published

    unpublished = publishing.article_unpublish(article=unpublished, base_version=unpublished.version)
    before = timezone.now().replace(microsecond=0)
    client.post(f"{LIST_URL}{unpublished.pk}/review/publish/", {"as_new": "on"})
    unpublished.refresh_from_db()
    assert unpublished.is_published and unpublished.published_at >= before


def test_a_scheduled_or_never_published_story_published_now_goes_out_now(make_article, eddie):
    scheduled = make_article(title="Tomorrow", published_at=timezone.now() + timedelta(days=1))
    draft = make_article(title="Fresh", status=Article.Status.DRAFT)
    assert draft.published_at is None
    before = timezone.now()
    for article in (scheduled, draft):
        published = publishing.article_publish(article=article, by=eddie, base_version=article.version)
        assert published.is_published and before <= published.published_at <= timezone.now()


def test_the_history_says_which_kind_of_publish_it_was(eddie, unpublished):
    published = workflow.review_publish(article=unpublished, by=eddie, as_new=True)
    assert versions.versions_of(published)[0].comment == "Published as new."
