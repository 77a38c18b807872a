"""The editors' admin: publishing with an image and tags, roles, bulk actions, history."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles.media.models import Image as LibraryImage
from articles.models import Article
from tests.builders import article_form, image_form, png_bytes

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/article/add/"
LIST_URL = "/admin/articles/article/"


def staff(username: str, group: str) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def writer(db) -> User:
    return staff("wanda", "Writers")


def test_editor_publishes_an_article_with_image_and_tags_and_readers_see_it(client, eddie, section):
    client.force_login(eddie)
    image = SimpleUploadedFile("harbour.png", png_bytes(800, 500), content_type="image/png")
    client.post("/admin/library/image/add/", image_form(file=image, alt="Ships in a harbour"))
    picture = LibraryImage.objects.get()
    assert picture.uploaded_by == eddie

    response = client.post(ADD_URL, article_form(section, hero=picture.pk))

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    article = Article.objects.get(slug="harbour-reopens-after-storm")
    assert article.is_published and article.author == eddie
    assert sorted(article.tags.names()) == ["shipping", "weather"]
    assert article.hero_image.name.endswith(".jpg") and article.hero_width == 800
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Harbour reopens after storm" in page and 'alt="Ships in a harbour"' in page
    assert "Harbour reopens after storm" in client.get("/").content.decode()
    assert LogEntry.objects.filter(object_id=str(article.pk), user=eddie).exists()


def test_admin_list_filters_search_and_history_pages_load(client, eddie, make_article):
    client.force_login(eddie)
    article = make_article(title="Findable headline", tags=["budget"])
    for query in [
        "",
        "?publication=live",
        "?publication=scheduled",
        "?publication=draft",
        "?q=Findable",
        f"?tags__id__exact={article.tags.get().pk}",
        f"?section__id__exact={article.section_id}",
    ]:
        response = client.get(LIST_URL + query)
        assert response.status_code == 200, query
    assert "Findable headline" in client.get(LIST_URL + "?q=Findable").content.decode()
    assert client.get(f"{LIST_URL}{article.pk}/history/").status_code == 200


def test_change_form_offers_view_on_site_for_live_and_preview_for_drafts(client, eddie, make_article):
    client.force_login(eddie)
    live = make_article()
    draft = make_article(status=Article.Status.DRAFT)
    assert live.get_absolute_url() in client.get(f"{LIST_URL}{live.pk}/change/").content.decode()
    draft_page = client.get(f"{LIST_URL}{draft.pk}/change/").content.decode()
    assert draft.get_preview_url() in draft_page and "Preview" in draft_page


# --- roles --------------------------------------------------------------------------------------------


def test_writer_creates_a_draft_even_when_the_post_asks_to_publish(client, writer, section):
    client.force_login(writer)
    response = client.post(ADD_URL, article_form(section))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and article.author == writer
    assert not Article.objects.published().exists()


def test_writer_cannot_publish_own_draft_through_a_crafted_change_post(client, writer, make_article):
    client.force_login(writer)
    draft = make_article(status=Article.Status.DRAFT, author=writer, slug="mine")
    data = article_form(draft.section, slug="mine", status="published", is_editors_pick="on")
    data["published_at_0"], data["published_at_1"] = "2020-01-01", "10:00:00"
    data["ranking_pinned_until_0"], data["ranking_pinned_until_1"] = "2099-01-01", "10:00:00"

    response = client.post(f"{LIST_URL}{draft.pk}/change/", data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and not draft.is_editors_pick
    assert draft.ranking_pinned_until is None
    assert draft.title == "Harbour reopens after storm"  # the writer's own edit did land


def test_writer_cannot_edit_or_delete_others_work(client, writer, eddie, make_article):
    client.force_login(writer)
    others_draft = make_article(status=Article.Status.DRAFT, author=eddie, title="Editor's draft")
    data = article_form(others_draft.section, slug=others_draft.slug, title="Hijacked")

    # A colleague's draft is, for a writer, missing (tests/test_writer_privacy.py): the admin's "doesn't exist".
    assert client.post(f"{LIST_URL}{others_draft.pk}/change/", data).url == "/admin/"
    assert client.post(f"{LIST_URL}{others_draft.pk}/delete/", {"post": "yes"}).url == "/admin/"
    others_draft.refresh_from_db()
    assert others_draft.title == "Editor's draft"


def test_writer_cannot_edit_own_article_once_published(client, writer, make_article):
    client.force_login(writer)
    published = make_article(author=writer, title="Live now")
    data = article_form(published.section, slug=published.slug, title="Sneaky edit")
    assert client.post(f"{LIST_URL}{published.pk}/change/", data).status_code == 403
    published.refresh_from_db()
    assert published.title == "Live now"


def test_writer_cannot_run_publish_actions_even_by_crafted_post(client, writer, eddie, make_article):
    client.force_login(writer)
    draft = make_article(status=Article.Status.DRAFT, author=writer)
    others = make_article(status=Article.Status.DRAFT, author=eddie)
    for action in ["publish_now", "mark_editors_pick"]:
        client.post(LIST_URL, {"action": action, "_selected_action": [draft.pk]})
    client.post(LIST_URL, {"action": "delete_selected", "_selected_action": [others.pk], "post": "yes"})

    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and not draft.is_editors_pick
    assert Article.objects.filter(pk=others.pk).exists()
    assert "Publish now" not in client.get(LIST_URL).content.decode()


def test_writer_may_delete_own_draft(client, writer, make_article):
    client.force_login(writer)
    draft = make_article(status=Article.Status.DRAFT, author=writer)
    assert client.post(f"{LIST_URL}{draft.pk}/delete/", {"post": "yes"}).status_code == 302
    assert Article.objects.in_trash().filter(pk=draft.pk).exists()  # deleting moves it to the trash


def test_writer_cannot_manage_sections(client, writer):
    client.force_login(writer)
    response = client.post("/admin/articles/section/add/", {"name": "Rogue", "slug": "rogue", "position": 0})
    assert response.status_code == 403


# --- bulk actions ------------------------------------------------------------------------------------


def test_editor_bulk_actions_publish_unpublish_and_pick_with_history(client, eddie, make_article):
    client.force_login(eddie)
    drafts = [make_article(status=Article.Status.DRAFT) for _ in range(2)]
    scheduled = make_article(published_at=timezone.now() + timedelta(days=2))
    ids = [a.pk for a in [*drafts, scheduled]]

    client.post(LIST_URL, {"action": "publish_now", "_selected_action": ids})
    assert Article.objects.published().filter(pk__in=ids).count() == 3

    client.post(LIST_URL, {"action": "mark_editors_pick", "_selected_action": ids[:1]})
    assert Article.objects.get(pk=ids[0]).is_editors_pick

    client.post(LIST_URL, {"action": "unpublish", "_selected_action": ids[1:]})
    assert set(Article.objects.drafts().values_list("pk", flat=True)) == set(ids[1:])

    entries = LogEntry.objects.filter(user=eddie, action_flag=CHANGE)
    assert entries.filter(change_message="Published now.").count() == 3
    assert entries.filter(change_message="Unpublished.").count() == 2


def test_bulk_publish_reports_an_article_it_cannot_publish_and_publishes_the_rest(client, eddie, make_article):
    client.force_login(eddie)
    ready = make_article(status=Article.Status.DRAFT)
    # An address no reader could use, as an old import left it: publishing must not let it through.
    broken = make_article(status=Article.Status.DRAFT, title="Imported")
    Article.objects.filter(pk=broken.pk).update(slug="imported story!")

    response = client.post(LIST_URL, {"action": "publish_now", "_selected_action": [ready.pk, broken.pk]}, follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Published 1 article(s)." in page
    assert "Not changed — “Imported”: Enter a valid “slug” consisting of letters, numbers" in page
    assert list(Article.objects.published().values_list("pk", flat=True)) == [ready.pk]


# --- preview --------------------------------------------------------------------------------------------


def test_preview_of_a_missing_article_is_404(client, eddie):
    # What a preview shows staff (and refuses others) is tested with the reader pages.
    client.force_login(eddie)
    assert client.get("/preview/999999/").status_code == 404


def test_editor_pins_an_article_to_the_top_of_the_ranking(client, eddie, make_article):
    client.force_login(eddie)
    article = make_article(title="Pinned explainer", slug="pinned")
    data = article_form(article.section, title="Pinned explainer", slug="pinned")
    data["ranking_pinned_until_0"], data["ranking_pinned_until_1"] = "2099-01-01", "10:00:00"

    assert client.post(f"{LIST_URL}{article.pk}/change/", data).status_code == 302

    article.refresh_from_db()
    assert article.ranking_pinned_until.year == 2099
