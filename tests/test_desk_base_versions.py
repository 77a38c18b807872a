"""No edit lost on an article with no stored version (seeded in bulk, or from before versions were kept): the
form carries what it was opened on, so a merge never calls a field a clash unless both editors changed it;
every article gets a first version (migration 0017, `seed_demo`, imports)."""

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from reversion.models import Revision, Version
from taggit.models import Tag

from articles import publishing
from articles.desk import versions
from articles.desk.base_versions import articles_store_first_versions
from articles.models import Article, TaggedArticle
from tests.desk_helpers import CHANGE_URL, change_form_data

BEFORE = [("articles", "0016_published_id_index")]
AFTER = [("articles", "0017_base_versions")]


@pytest.fixture
def unversioned(section):
    """A story written in bulk, as seed_demo wrote them and every article from before versions: no version."""
    article = Article.objects.bulk_create(
        [
            Article(
                title="Harbor reopnes",
                slug="harbor-reopnes",
                body="<p>The harbour reopend today.</p>",
                section=section,
                status=Article.Status.PUBLISHED,
                published_at=timezone.now(),
            )
        ]
    )[0]
    assert not Version.objects.get_for_object(article).exists()
    return article


@pytest.mark.django_db
def test_with_no_stored_version_a_colleagues_field_is_kept_and_mine_applied(client, ana, bo, unversioned):
    client.force_login(ana)
    anas_form = change_form_data(client, unversioned)
    client.force_login(bo)
    bos_form = change_form_data(client, unversioned, title="Harbor reopens")
    assert client.post(CHANGE_URL.format(pk=unversioned.pk), bos_form).status_code == 302

    client.force_login(ana)
    anas_form["body"] = "<p>The harbour reopened today.</p>"
    response = client.post(CHANGE_URL.format(pk=unversioned.pk), anas_form, follow=True)

    assert "edit-conflict" not in response.content.decode()  # she never touched the title: no clash
    unversioned.refresh_from_db()
    assert (unversioned.title, unversioned.body) == ("Harbor reopens", "<p>The harbour reopened today.</p>")
    assert unversioned.version == 3
    messages = [str(m) for m in response.context["messages"]]
    assert any("kept theirs: Title (Bo" in m for m in messages), messages


@pytest.mark.django_db
def test_with_no_stored_version_only_a_field_both_changed_is_a_clash(client, ana, bo, unversioned):
    client.force_login(ana)
    anas_form = change_form_data(client, unversioned, title="Harbour reopens at last")
    client.force_login(bo)
    client.post(CHANGE_URL.format(pk=unversioned.pk), change_form_data(client, unversioned, title="Harbour reopens"))

    client.force_login(ana)
    page = client.post(CHANGE_URL.format(pk=unversioned.pk), anas_form).content.decode()

    conflict = page[page.index('id="edit-conflict"') : page.index("</table>", page.index('id="edit-conflict"'))]
    assert conflict.count('class="desk-clash"') == 1 and "Harbour reopens at last" in conflict
    assert "Slug" not in conflict and "Body" not in conflict  # nobody changed these
    unversioned.refresh_from_db()
    assert unversioned.title == "Harbour reopens"


@pytest.mark.django_db
def test_a_form_sending_no_base_and_no_kept_version_is_refused_crediting_no_one(client, ana, bo, unversioned):
    client.force_login(ana)
    anas_form = change_form_data(client, unversioned, body="<p>The harbour reopened today.</p>")
    anas_form["base_state"] = ""  # a form from before this change, or a crafted POST
    client.force_login(bo)
    client.post(CHANGE_URL.format(pk=unversioned.pk), change_form_data(client, unversioned, title="Harbor reopens"))

    client.force_login(ana)
    page = client.post(CHANGE_URL.format(pk=unversioned.pk), anas_form).content.decode()

    assert "the version you opened is no longer kept" in page and "by Bo" not in page
    assert "The harbour reopened today." in page  # her text is still in the form
    unversioned.refresh_from_db()
    assert (unversioned.title, unversioned.body) == ("Harbor reopens", "<p>The harbour reopend today.</p>")


@pytest.mark.django_db(transaction=True)
def test_migration_0017_keeps_a_first_version_of_every_article_that_has_none():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    section = old.get_model("articles", "Section").objects.create(name="World", slug="world")
    OldArticle, OldTag = old.get_model("articles", "Article"), old.get_model("taggit", "Tag")
    storm, port = OldTag.objects.create(name="Storm", slug="storm"), OldTag.objects.create(name="Port", slug="port")
    common = {"section": section, "status": "published", "published_at": timezone.now(), "version": 4}
    tagged = OldArticle.objects.create(title="Storm hits port", slug="storm", body="<p>Wind.</p>", **common)
    old.get_model("articles", "TaggedArticle").objects.create(content_object=tagged, tag=storm)
    old.get_model("articles", "TaggedArticle").objects.create(content_object=tagged, tag=port)
    OldArticle.objects.create(title="Quiet day", slug="quiet", body="<p>Calm.</p>", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    for article in Article.objects.all():
        kept = versions.versions_of(article)
        assert len(kept) == 1
        assert kept[0].number == 4 and kept[0].comment == "First kept version."
        assert kept[0].state == versions.state_of(article)  # what a merge reads is the article as it is
    assert versions.versions_of(Article.objects.get(slug="storm"))[0].tags == ("Port", "Storm")
    assert articles_store_first_versions(apps=apps, using="default") == 0  # nothing left without one


@pytest.mark.django_db
def test_first_versions_are_written_in_rounds_and_leave_kept_ones_alone(section, django_assert_max_num_queries):
    publishing.article_create(article=Article(title="Kept", slug="kept", body="<p>x</p>", section=section))
    bulk = Article.objects.bulk_create(
        [Article(title=f"Bulk {n}", slug=f"bulk-{n}", body="<p>x</p>", section=section) for n in range(5)]
    )
    wire = Tag.objects.create(name="Wire", slug="wire")
    TaggedArticle.objects.bulk_create([TaggedArticle(content_object=a, tag=wire) for a in bulk[:2]])
    revisions_before = Revision.objects.count()

    # At most 4 to start (any article? its content types), 7 a round of 2 whatever its size, 1 to find no more.
    with django_assert_max_num_queries(4 + 3 * 7 + 1):
        assert articles_store_first_versions(apps=apps, using="default", batch_size=2) == 5

    assert Revision.objects.count() == revisions_before + 5
    assert [len(versions.versions_of(a)) for a in Article.objects.order_by("pk")] == [1] * 6
    assert versions.versions_of(bulk[0])[0].tags == ("Wire",)


@pytest.mark.django_db
def test_seed_demo_keeps_a_first_version_of_every_article():
    call_command("seed_demo", articles=6, images=1, stdout=io.StringIO(), stderr=io.StringIO())
    for article in Article.objects.all():
        kept = versions.versions_of(article)
        assert [(v.number, v.comment) for v in kept] == [(1, "Demo content.")]
        assert kept[0].state == versions.state_of(article)


@pytest.mark.django_db
def test_importing_an_unchanged_unversioned_article_keeps_a_first_version(tmp_path, unversioned):
    path = tmp_path / "wire.json"
    record = {"slug": unversioned.slug, "title": unversioned.title, "body": unversioned.body}
    path.write_text(json.dumps([{**record, "section": unversioned.section.slug}]))
    call_command("import_articles", str(path), stdout=io.StringIO())
    assert [(v.number, v.comment) for v in versions.versions_of(unversioned)] == [(1, "Imported from wire.json.")]

    archive = tmp_path / "site"
    call_command("export_content", str(archive), stdout=io.StringIO())
    Version.objects.all().delete()
    call_command("import_content", str(archive), stdout=io.StringIO())
    assert [(v.number, v.comment) for v in versions.versions_of(unversioned)] == [(1, "Imported from site.")]
