"""Edit conflicts: a save from a stale form never overwrites a colleague's change silently."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models import Q
from reversion.models import Version

from articles import publishing
from articles.admin import ArticleAdmin, bulk_action
from articles.desk.conflicts import EditConflict
from articles.models import Article, SlugRedirect
from tests.desk_helpers import CHANGE_URL, change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(make_article):
    return make_article(title="Harbor reopnes", slug="harbor-reopnes", body="<p>The harbour reopend today.</p>")


def test_an_unchanged_save_with_crlf_line_endings_changes_nothing(client, ana, story):
    client.force_login(ana)
    data = change_form_data(client, story)
    assert "\r\n" in data["body"] or "\n" not in story.body  # sent as a browser sends it
    versions_before = Version.objects.get_for_object(story).count()

    response = client.post(CHANGE_URL.format(pk=story.pk), data)

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.version == 1
    assert Version.objects.get_for_object(story).count() == versions_before
    assert not LogEntry.objects.filter(object_id=str(story.pk)).exists()


def test_an_unchanged_multiline_body_is_not_a_change(client, ana, make_article):
    article = make_article(body="<p>One.</p>\n<p>Two.</p>\n<p>Three.</p>")
    client.force_login(ana)
    data = change_form_data(client, article)
    assert "\r\n" in data["body"]
    client.post(CHANGE_URL.format(pk=article.pk), data)
    article.refresh_from_db()
    assert article.version == 1 and not LogEntry.objects.exists()


def test_two_editors_on_different_fields_both_changes_are_kept(client, ana, bo, story):
    """The issue's scenario: Bo fixes headline and slug, Ana (form opened earlier) fixes a body typo."""
    client.force_login(ana)
    anas_form = change_form_data(client, story)
    client.force_login(bo)
    bos_form = change_form_data(client, story, title="Harbor reopens", slug="harbor-reopens")
    assert client.post(CHANGE_URL.format(pk=story.pk), bos_form).status_code == 302

    client.force_login(ana)
    anas_form["body"] = "<p>The harbour reopened today.</p>"
    response = client.post(CHANGE_URL.format(pk=story.pk), anas_form, follow=True)

    story.refresh_from_db()
    assert story.title == "Harbor reopens" and story.slug == "harbor-reopens"  # Bo's fix kept
    assert story.body == "<p>The harbour reopened today.</p>"  # Ana's fix applied
    assert story.version == 3
    messages = [str(m) for m in response.context["messages"]]
    assert any("kept theirs" in m and "Title (Bo" in m for m in messages), messages
    # The corrected URL stays the live one: no redirect back to the typo.
    assert not SlugRedirect.objects.filter(old_slug="harbor-reopens").exists()


def test_two_editors_on_the_same_field_the_second_save_is_refused_field_by_field(client, ana, bo, story):
    client.force_login(ana)
    anas_form = change_form_data(client, story)
    client.force_login(bo)
    client.post(CHANGE_URL.format(pk=story.pk), change_form_data(client, story, title="Harbour reopens"))

    client.force_login(ana)
    anas_form.update(title="Harbor reopens at last", summary="Ships are back.")
    response = client.post(CHANGE_URL.format(pk=story.pk), anas_form)

    assert response.status_code == 200  # the form again, with the account of what changed
    page = response.content.decode()
    assert "Not saved: this article was changed after you opened it." in page
    assert "Harbour reopens" in page and "by Bo" in page and "Harbor reopens at last" in page
    story.refresh_from_db()
    assert story.title == "Harbour reopens" and story.summary == "" and story.version == 2

    # Ana merges: the form now builds on Bo's version and keeps her text; saving again applies it, knowingly.
    form = response.context["adminform"].form
    assert form.data["base_version"] == "2"
    retry = {key: form.data.get(key) for key in form.data}
    retry["title"] = "Harbour reopens at last"
    assert client.post(CHANGE_URL.format(pk=story.pk), retry).status_code == 302
    story.refresh_from_db()
    assert (story.title, story.summary, story.version) == ("Harbour reopens at last", "Ships are back.", 3)


def test_a_refused_form_shows_their_values_in_fields_only_they_changed(client, ana, bo, story):
    client.force_login(ana)
    anas_form = change_form_data(client, story)
    client.force_login(bo)
    client.post(CHANGE_URL.format(pk=story.pk), change_form_data(client, story, title="Bo's title", byline="By Bo"))
    client.force_login(ana)
    anas_form["title"] = "Ana's title"
    response = client.post(CHANGE_URL.format(pk=story.pk), anas_form)
    form = response.context["adminform"].form
    assert form.data["byline"] == "By Bo"  # a second save cannot silently revert Bo's byline
    assert form.data["title"] == "Ana's title"


def test_a_service_save_built_on_an_old_version_is_refused(story, ana):
    publishing.article_update(article=Article.objects.get(pk=story.pk), by=ana, base_version=1)
    stale = Article.objects.get(pk=story.pk)
    stale.title = "Something else"
    fresh = Article.objects.get(pk=story.pk)
    fresh.title = "Changed by Ana"
    publishing.article_update(article=fresh, by=ana, base_version=fresh.version)
    with pytest.raises(EditConflict) as refused:
        publishing.article_unpublish(article=stale, by=ana, base_version=stale.version)
    assert isinstance(refused.value, ValidationError)
    assert "by Ana" in refused.value.messages[0]
    story.refresh_from_db()
    assert story.title == "Changed by Ana" and story.is_published


def test_bulk_action_refuses_an_article_changed_while_it_ran(client, ana, bo, story, monkeypatch):
    """The action reads each article, then saves it built on what it read: a save in between is reported."""
    real_publish = publishing.article_publish

    def colleague_saves_first(*, article, **kwargs):
        fresh = Article.objects.get(pk=article.pk)
        fresh.title = "Bo got there first"
        publishing.article_update(article=fresh, by=bo)
        return real_publish(article=article, **kwargs)

    publishing.article_unpublish(article=story, by=ana)
    action = bulk_action(
        "Publish now", colleague_saves_first, only=Q(status="draft"), logged="Published now.", done="Published."
    )
    monkeypatch.setattr(ArticleAdmin, "publish_now", action)
    client.force_login(ana)
    response = client.post(
        "/admin/articles/article/", {"action": "publish_now", "_selected_action": [story.pk]}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("Not changed" in m and "changed by Bo" in m for m in messages), messages
    story.refresh_from_db()
    assert story.title == "Bo got there first" and story.status == Article.Status.DRAFT
