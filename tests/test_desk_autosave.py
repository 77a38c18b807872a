"""Autosave: the form's text kept as an autosave version, never written or published, offered back; admin times."""

import datetime
import zoneinfo

import pytest
from django.contrib.auth.models import User
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


# --- a new article: the first autosave creates its draft ------------------------------------------------------

NEW_AUTOSAVE_URL = "/admin/articles/article/autosave/"
ADD_URL = "/admin/articles/article/add/"


def test_a_new_articles_first_autosave_makes_it_a_private_draft_and_the_form_goes_on_as_its_change_form(
    client, wanda, section
):
    client.force_login(wanda)
    assert 'data-autosave-url="/admin/articles/article/autosave/"' in client.get(ADD_URL).content.decode()
    typed = {"title": "Ferry strike", "body": "<p>Half a story.</p>", "section": section.pk, "status": "published"}

    answer = client.post(NEW_AUTOSAVE_URL, {**typed, "autosave_token": "tab-one-123"})

    assert answer.status_code == 200
    saved = answer.json()
    draft = Article.objects.get()
    assert saved["change_url"] == CHANGE_URL.format(pk=draft.pk) and saved["base_version"] == 1 == draft.version
    assert (draft.title, draft.slug, draft.body) == ("Ferry strike", "ferry-strike", "<p>Half a story.</p>")
    assert draft.status == Article.Status.DRAFT and draft.author == wanda and draft.byline == "By Wanda"
    assert [v.comment for v in versions.versions_of(draft)] == ["Created by autosave."]
    assert draft.edit_lock.user == wanda  # her open form holds it (its heartbeat starts now)

    # The same form, not having heard the answer, sends again: the same draft, its text kept as her autosave.
    more = {**typed, "body": "<p>Half a story, and more.</p>", "autosave_token": "tab-one-123"}
    again = client.post(NEW_AUTOSAVE_URL, more)
    assert again.json()["id"] == draft.pk and Article.objects.count() == 1
    data = change_form_data(client, draft, body="<p>The whole story.</p>", title="Ferry strike ends")
    assert "Half a story, and more." in client.get(CHANGE_URL.format(pk=draft.pk)).context["autosave"].article.body
    client.post(CHANGE_URL.format(pk=draft.pk), data)
    draft.refresh_from_db()
    assert (draft.title, draft.body, draft.version) == ("Ferry strike ends", "<p>The whole story.</p>", 2)
    # For another writer it does not exist (articles/desk/visibility.py).
    client.force_login(staff("walt", "Writers"))
    assert client.get(CHANGE_URL.format(pk=draft.pk)).status_code in (302, 404)
    assert draft not in client.get("/admin/articles/article/").context["cl"].queryset


def test_a_first_autosave_with_no_headline_or_section_still_keeps_the_text(client, ana, section, make_article):
    make_article(title="Untitled draft", slug="untitled-draft")
    client.force_login(ana)
    answer = client.post(NEW_AUTOSAVE_URL, {"body": "<p>Notes from the scene.</p>", "autosave_token": "tab-two-123"})
    draft = Article.objects.get(pk=answer.json()["id"])
    assert (draft.title, draft.slug, draft.section) == ("Untitled draft", "untitled-draft-2", section)
    assert draft.body == "<p>Notes from the scene.</p>" and draft.status == Article.Status.DRAFT


def test_a_first_autosave_refused_says_why_and_stores_nothing(client, ana, wanda):
    client.force_login(ana)
    no_token = client.post(NEW_AUTOSAVE_URL, {"title": "x", "body": "<p>x</p>"})
    assert no_token.status_code == 400 and "autosave token" in no_token.json()["error"]
    no_section = client.post(NEW_AUTOSAVE_URL, {"title": "x", "body": "<p>x</p>", "autosave_token": "tab-three-1"})
    assert no_section.status_code == 400 and "no section" in no_section.json()["error"]
    assert client.get(NEW_AUTOSAVE_URL).status_code == 405
    client.force_login(User.objects.create_user("visitor", is_staff=True))  # staff, but may not add articles
    assert client.post(NEW_AUTOSAVE_URL, {"autosave_token": "tab-four-12"}).status_code == 403
    client.logout()
    assert client.post(NEW_AUTOSAVE_URL, {"autosave_token": "tab-four-12"}).status_code == 302  # to the login
    assert not Article.objects.exists()
