"""Every version kept: each write path creates one, an unchanged save none; history, diff, restore and pruning."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Revision, Version

from articles import publishing
from articles.desk import versions
from articles.engagement import votes
from articles.models import Article, Section
from tests.builders import article_form
from tests.desk_helpers import CHANGE_URL, change_form_data, staff

pytestmark = pytest.mark.django_db
LIST_URL = "/admin/articles/article/"


def story(section, *, tags: list[str], **fields) -> Article:
    """A published story created with its tags through the service (so its first version has them)."""
    fields.setdefault("slug", fields["title"].lower().replace(" ", "-"))
    fields.setdefault("body", "<p>Text.</p>")
    article = Article(section=section, status="published", **fields)
    return publishing.article_create(article=article, tags=tags)


def kept(article: Article) -> list[versions.ArticleVersion]:
    return versions.versions_of(article)


def test_the_admin_form_keeps_a_version_with_who_what_and_tags(client, ana, section):
    client.force_login(ana)
    client.post("/admin/articles/article/add/", article_form(section))
    article = Article.objects.get()
    assert [v.number for v in kept(article)] == [1] and kept(article)[0].by == "Ana"
    assert kept(article)[0].tags == ("shipping", "weather")

    client.post(CHANGE_URL.format(pk=article.pk), change_form_data(client, article, title="Harbour open", tags="port"))

    latest = kept(article)[0]
    assert (latest.number, latest.article.title, latest.tags, latest.by) == (2, "Harbour open", ("port",), "Ana")
    assert "title" in latest.comment and "tags" in latest.comment


def test_a_tags_only_change_is_a_new_version(client, ana, make_article):
    article = make_article(tags=["a"])
    client.force_login(ana)
    client.post(CHANGE_URL.format(pk=article.pk), change_form_data(client, article, tags="a, b"))
    article.refresh_from_db()
    assert article.version == 2 and kept(article)[0].tags == ("a", "b")


def test_every_service_keeps_a_version(make_article, ana):
    article = make_article(status=Article.Status.DRAFT)
    publishing.article_publish(article=article, by=ana)
    publishing.article_set_editors_pick(article=article, picked=True, by=ana)
    publishing.article_unpublish(article=article, by=ana)
    publishing.article_schedule(article=article, at=timezone.now() + timedelta(days=1), by=ana)
    comments = [v.comment for v in kept(article)]
    assert comments == ["Published.", "Unpublished.", "Marked as editors' pick.", "Published.", "Created."]


def test_a_bulk_action_keeps_a_version_per_article(client, ana, make_article):
    first, second = make_article(status="draft"), make_article(status="draft")
    client.force_login(ana)
    client.post(LIST_URL, {"action": "publish_now", "_selected_action": [first.pk, second.pk]})
    for article in (first, second):
        latest = kept(article)[0]
        assert latest.comment == "Published." and latest.by == "Ana" and latest.article.status == "published"


def test_the_import_command_keeps_a_version(tmp_path, section):
    path = tmp_path / "wire.json"
    story = {"slug": "wire-story", "title": "Wire story", "body": "<p>x</p>", "section": section.slug, "tags": ["wire"]}
    path.write_text(json.dumps([story]))
    call_command("import_articles", str(path), stdout=None)
    path.write_text(json.dumps([{**story, "title": "Wire story, updated"}]))
    call_command("import_articles", str(path), stdout=None)
    article = Article.objects.get(slug="wire-story")
    assert [(v.number, v.comment, v.tags) for v in kept(article)] == [
        (2, "Imported from wire.json.", ("wire",)),
        (1, "Imported from wire.json.", ("wire",)),
    ]
    call_command("import_articles", str(path), stdout=None)  # the same file again changes nothing
    assert len(kept(article)) == 2


def test_an_unchanged_service_save_keeps_no_version(make_article, ana):
    article = make_article()
    publishing.article_update(article=article, by=ana)
    publishing.article_update(article=Article.objects.get(pk=article.pk), by=ana, tags=list(article.tags.names()))
    assert len(kept(article)) == 1 and Article.objects.get(pk=article.pk).version == 1


def test_votes_and_views_are_never_versioned(make_article):
    article = make_article()
    votes.vote_add(article=article, voter_key="a:reader")
    assert len(kept(article)) == 1
    stored = json.loads(Version.objects.get_for_object(article).get().serialized_data)[0]["fields"]
    assert "vote_count" not in stored and "view_count" not in stored and "title" in stored


def test_history_lists_versions_and_compare_shows_a_readable_diff(client, ana, section):
    article = story(section, title="Old headline", body="<p>The cat sat on the mat.</p>", tags=["pets"])
    article.title, article.body = "New headline", "<p>The dog sat on the mat.</p>"
    publishing.article_update(article=article, by=ana, tags=["pets", "dogs"], base_version=article.version)
    client.force_login(ana)

    page = client.get(f"{LIST_URL}{article.pk}/history/").content.decode()
    assert "Title, body, tags" in page and "Ana" in page

    newest, older = kept(article)[0], kept(article)[1]
    response = client.get(f"{LIST_URL}{article.pk}/history/compare/", {"from": older.pk, "to": newest.pk})
    page = response.content.decode()
    assert "<del>Old </del><ins>New </ins>headline" in page
    assert "<del>cat </del><ins>dog </ins>" in page
    assert "<ins>dogs</ins>, pets" in page


def test_restore_is_a_new_version_and_readers_see_it(client, ana, section):
    article = story(section, title="Right headline", tags=["one"])
    good = kept(article)[0]
    article.title = "Wrong headline"
    publishing.article_update(article=article, by=ana, tags=["two"], base_version=article.version)
    votes.vote_add(article=article, voter_key="a:reader")
    client.force_login(ana)

    asked = client.post(f"{LIST_URL}{article.pk}/history/{good.pk}/restore/")  # the history's button
    assert asked.status_code == 200 and "This story is live." in asked.content.decode()
    assert "<del>Wrong </del><ins>Right </ins>headline" in asked.content.decode()
    assert Article.objects.get(pk=article.pk).title == "Wrong headline" and len(kept(article)) == 2  # not yet
    response = client.post(f"{LIST_URL}{article.pk}/history/{good.pk}/restore/", {"confirm": "restore"})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Right headline" and list(article.tags.names()) == ["one"] and article.vote_count == 1
    assert kept(article)[0].number == 3 and kept(article)[0].comment.startswith("Restored version 1")
    assert "Restored. “Right headline” is now version 3." in client.get(response.url).content.decode()
    client.logout()
    assert "Right headline" in client.get(article.get_absolute_url()).content.decode()


def test_a_writer_cannot_restore_someone_elses_story(client, make_article):
    article = make_article()
    writer = staff("wanda", "Writers")
    client.force_login(writer)
    before = (Article.objects.get(pk=article.pk).title, len(kept(article)))
    response = client.post(f"{LIST_URL}{article.pk}/history/{kept(article)[0].pk}/restore/")
    assert response.status_code == 403
    assert (Article.objects.get(pk=article.pk).title, len(kept(article))) == before  # nothing restored, nothing kept


def test_prune_keeps_the_newest_and_one_per_day(make_article, ana):
    article = make_article(title="v1")
    # 09:00 three days ago in the site's zone, so each day's three versions share a day whatever the clock says
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=3)
    for day in range(3):
        for hour in range(3):
            with time_machine.travel(start + timedelta(days=day, hours=hour), tick=False):
                article.title = f"day {day} hour {hour}"
                publishing.article_update(article=article, by=ana)
    assert len(kept(article)) == 10

    call_command("prune_versions", "--keep", "2", stdout=None)

    titles = [v.article.title for v in kept(article)]
    # the newest two, then the last of each older day (and the creation, alone on its day)
    assert titles == ["day 2 hour 2", "day 2 hour 1", "day 1 hour 2", "day 0 hour 2", "v1"]
    assert Revision.objects.count() == 5


def test_tags_are_followed_by_name_even_after_the_tag_is_renamed(make_article, ana):
    article = make_article()
    publishing.article_update(article=article, by=ana, tags=["Seoul"])
    from taggit.models import Tag

    Tag.objects.filter(name="Seoul").update(name="Seoul (city)")
    assert kept(article)[0].tags == ("Seoul",)
    assert Section.objects.count() == 1


def test_existing_articles_get_a_first_version_from_reversions_command(section):
    # Articles written before the desk existed (bulk inserts, like seed_demo) have no version yet.
    Article.objects.bulk_create([Article(title="Old story", slug="old-story", body="<p>x</p>", section=section)])
    article = Article.objects.get(slug="old-story")
    assert kept(article) == []
    call_command("createinitialrevisions", "articles.Article", comment="Initial version.", stdout=None)
    assert [(v.number, v.comment) for v in kept(article)] == [(1, "Initial version.")]
