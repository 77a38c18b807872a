"""The desk's small frictions, gone: a repeated headline gets the next free address, an unchanged save says so,
a move to the trash is called that, and restoring an old text onto a live story asks first (or stages it)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from articles import publishing
from articles.desk import versions
from articles.desk.models import StagedChange
from articles.models import Article
from tests.builders import article_form
from tests.desk_helpers import change_form_data

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"
ADD_URL = f"{LIST_URL}add/"


def test_a_repeated_headline_gets_the_next_free_address(client, ana, section, make_article):
    client.force_login(ana)
    trashed = make_article(title="Storm", slug="harbour-reopens-after-storm-3")
    trashed.trashed_at = trashed.published_at  # in the trash: its address is still its own
    trashed.save(update_fields=["trashed_at"])

    first = client.post(ADD_URL, article_form(section), follow=True)
    second = client.post(ADD_URL, article_form(section), follow=True)
    third = client.post(ADD_URL, article_form(section), follow=True)

    assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
    added = Article.objects.filter(title="Harbour reopens after storm").order_by("pk")
    slugs = list(added.values_list("slug", flat=True))
    assert slugs == ["harbour-reopens-after-storm", "harbour-reopens-after-storm-2", "harbour-reopens-after-storm-4"]
    said = second.content.decode()
    assert "already exists" not in said
    moved = "“harbour-reopens-after-storm” was taken: this story&#x27;s address is “harbour-reopens-after-storm-2”."
    assert moved in said
    assert "was taken" not in first.content.decode()


def test_a_slug_typed_onto_another_storys_address_moves_to_the_next_free_one(client, ana, make_article):
    client.force_login(ana)
    make_article(slug="budget")
    article = make_article(slug="budget-day")
    client.post(f"{LIST_URL}{article.pk}/change/", change_form_data(client, article, slug="budget"))
    assert Article.objects.get(pk=article.pk).slug == "budget-2"
    client.post(f"{LIST_URL}{article.pk}/change/", change_form_data(client, article, title="Budget day, live"))
    assert Article.objects.get(pk=article.pk).slug == "budget-2"  # its own address is not "taken"


def test_an_unchanged_save_says_there_was_nothing_to_save(client, ana, make_article):
    client.force_login(ana)
    article = make_article(title="Storm")

    unchanged = client.post(f"{LIST_URL}{article.pk}/change/", change_form_data(client, article), follow=True)

    page = unchanged.content.decode()
    assert "No changes to save: “Storm” is as it was." in page and "changed successfully" not in page
    changed = client.post(
        f"{LIST_URL}{article.pk}/change/", change_form_data(client, article, title="Storm passes"), follow=True
    )
    assert "was changed successfully" in changed.content.decode()


def test_a_move_to_the_trash_is_called_that(client, ana, make_article):
    client.force_login(ana)
    one, two, three = make_article(title="One"), make_article(title="Two"), make_article(title="Three")

    moved = client.post(f"{LIST_URL}{one.pk}/delete/", {"post": "yes"}, follow=True).content.decode()
    assert "“One” was moved to the trash" in moved and "deleted successfully" not in moved

    listing = client.get(LIST_URL).content.decode()
    assert '<option value="delete_selected">Move to the trash</option>' in listing
    asked = client.post(LIST_URL, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [two.pk, three.pk]})
    page = asked.content.decode()
    assert "<h1>Move to the trash</h1>" in page and "Move these 2 articles to the trash?" in page
    assert "Are you sure you want to delete" not in page and "Delete multiple objects" not in page
    done = client.post(
        LIST_URL, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [two.pk, three.pk], "post": "yes"}, follow=True
    ).content.decode()
    assert "Moved 2 article(s) to the trash" in done and "Successfully deleted" not in done
    assert Article.objects.in_trash().count() == 3


def wrong_text_over(article: Article, *, by) -> versions.ArticleVersion:
    """The article's first version, then a wrong headline saved over it."""
    good = versions.versions_of(article)[0]
    article.title = "Wrong headline"
    publishing.article_update(article=article, by=by, base_version=article.version)
    return good


def test_restoring_onto_a_live_story_asks_first(client, ana, make_article):
    article = make_article(title="Right headline")
    good = wrong_text_over(article, by=ana)
    client.force_login(ana)
    url = f"{LIST_URL}{article.pk}/history/{good.pk}/restore/"

    for asked in (client.get(url), client.post(url)):
        page = asked.content.decode()
        assert asked.status_code == 200 and "This story is live." in page
        assert "Restore it on the live story now" in page and "Stage it as a correction" in page
    assert Article.objects.get(pk=article.pk).title == "Wrong headline"

    client.post(url, {"confirm": "restore"})
    assert Article.objects.get(pk=article.pk).title == "Right headline"


def test_restoring_onto_a_live_story_can_stage_it_as_a_correction(client, ana, make_article):
    article = make_article(title="Right headline")
    good = wrong_text_over(article, by=ana)
    client.force_login(ana)

    done = client.post(f"{LIST_URL}{article.pk}/history/{good.pk}/restore/", {"confirm": "stage"}, follow=True)

    assert f"Version {good.number} staged as a correction" in done.content.decode()
    staged = StagedChange.objects.get(article=article)
    assert staged.title == "Right headline" and staged.note.startswith(f"Restores version {good.number} (")
    assert Article.objects.get(pk=article.pk).title == "Wrong headline"  # readers keep the live text
    client.logout()
    assert "Wrong headline" in client.get(article.get_absolute_url()).content.decode()


def test_restoring_a_draft_needs_no_second_step(client, ana, make_article):
    article = make_article(title="Right headline", status=Article.Status.DRAFT)
    good = wrong_text_over(article, by=ana)
    client.force_login(ana)

    response = client.post(f"{LIST_URL}{article.pk}/history/{good.pk}/restore/")

    assert response.status_code == 302 and Article.objects.get(pk=article.pk).title == "Right headline"
