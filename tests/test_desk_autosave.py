"""Autosave: the form's text kept as an autosave version, never written or published, offered back; admin times."""

import datetime
import zoneinfo

import pytest
from reversion.models import Version

from articles.desk import versions
from articles.models import Article
from tests.desk_helpers import CHANGE_URL, change_form_data, staff

pytestmark = pytest.mark.django_db
AUTOSAVE_URL = "/admin/articles/article/{pk}/autosave/"


def test_an_autosave_changes_nothing_and_is_offered_back_when_the_form_opens_again(client, ana, make_article):
    draft = make_article(title="Half-written", status=Article.Status.DRAFT, body="<p>Start.</p>")
    client.force_login(ana)
    data = change_form_data(client, draft, body="<p>Start. And three more paragraphs…</p>", status="published")

    response = client.post(AUTOSAVE_URL.format(pk=draft.pk), data)

    assert response.status_code == 200 and "saved_at" in response.json()
    draft.refresh_from_db()
    assert draft.body == "<p>Start.</p>" and draft.status == Article.Status.DRAFT and draft.version == 1
    assert len(versions.versions_of(draft)) == 1  # the history holds saves only
    page = client.get(CHANGE_URL.format(pk=draft.pk)).content.decode()
    assert "You have text autosaved at" in page and "Restore it" in page

    restored = client.get(CHANGE_URL.format(pk=draft.pk) + "?autosave=restore")
    form = restored.context["adminform"].form
    assert form["body"].value() == "<p>Start. And three more paragraphs…</p>"
    assert "Your autosaved text from" in restored.content.decode()

    client.post(CHANGE_URL.format(pk=draft.pk), change_form_data(client, draft, body=form["body"].value()))
    draft.refresh_from_db()
    assert draft.body == "<p>Start. And three more paragraphs…</p>" and draft.version == 2
    assert "You have text autosaved" not in client.get(CHANGE_URL.format(pk=draft.pk)).content.decode()


def test_each_autosave_replaces_the_last_and_discard_drops_it(client, ana, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(ana)
    for text in ("<p>One</p>", "<p>Two</p>"):
        client.post(AUTOSAVE_URL.format(pk=draft.pk), change_form_data(client, draft, body=text))
    autosaves = versions.Version.objects.get_for_object(draft).filter(revision__comment="Autosave.")
    assert autosaves.count() == 1 and "Two" in autosaves.get().serialized_data
    client.post(AUTOSAVE_URL.format(pk=draft.pk) + "discard/")
    assert not autosaves.exists()


def test_a_writer_cannot_autosave_over_someone_elses_story(client, ana, make_article):
    story = make_article(author=ana)
    client.force_login(staff("wanda", "Writers"))
    kept_before = Version.objects.count()
    assert client.post(AUTOSAVE_URL.format(pk=story.pk), {"body": "x"}).status_code == 403
    assert Version.objects.count() == kept_before  # no autosave was kept
    assert Article.objects.get(pk=story.pk).body == story.body


def test_admin_times_are_shown_and_entered_in_the_sites_time_zone(client, ana, make_article, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    seoul = zoneinfo.ZoneInfo("Asia/Seoul")
    article = make_article(published_at=datetime.datetime(2026, 5, 1, 0, 0, tzinfo=datetime.UTC))
    client.force_login(ana)

    form = client.get(CHANGE_URL.format(pk=article.pk)).context["adminform"].form
    assert form["published_at"].value().astimezone(seoul).strftime("%H:%M") == "09:00"
    data = change_form_data(client, article, published_at_0="2026-05-02", published_at_1="10:30:00")
    client.post(CHANGE_URL.format(pk=article.pk), data)

    article.refresh_from_db()
    assert article.published_at == datetime.datetime(2026, 5, 2, 1, 30, tzinfo=datetime.UTC)
