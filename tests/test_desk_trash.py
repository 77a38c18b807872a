"""The trash: delete hides an article from readers and the list; restore brings it back whole; purge is explicit."""

import pytest

from articles import publishing
from articles.engagement.models import PopularityBucket, Vote
from articles.models import Article
from tests.builders import library_image, png_bytes
from tests.desk_helpers import staff

pytestmark = pytest.mark.django_db
LIST_URL = "/admin/articles/article/"
TRASH_URL = "/admin/desk/trashedarticle/"


@pytest.fixture
def pictured(make_article) -> Article:
    article = make_article(
        title="Storm over the bay", slug="storm", tags=["weather", "coast"], vote_count=3, view_count=40
    )
    article.hero = library_image(content=png_bytes(320, 200), name="bay.png", alt="The bay in a storm")
    return publishing.article_update(article=article)


def test_delete_moves_to_the_trash_and_restore_brings_back_tags_image_and_counts(
    client, ana, pictured, django_capture_on_commit_callbacks
):
    image = pictured.hero_id
    assert client.get(pictured.get_absolute_url()).status_code == 200  # now in the page cache too
    client.force_login(ana)

    with django_capture_on_commit_callbacks(execute=True):  # cached pages are dropped after commit
        response = client.post(f"{LIST_URL}{pictured.pk}/delete/", {"post": "yes"}, follow=True)

    assert "was moved to the trash: an editor can restore it from there." in response.content.decode()
    assert "Storm over the bay" not in client.get(LIST_URL).content.decode()
    assert "Storm over the bay" in client.get(TRASH_URL).content.decode()
    client.logout()
    assert client.get(pictured.get_absolute_url()).status_code == 404  # the cached copy was dropped
    assert "Storm over the bay" not in client.get("/").content.decode()

    client.force_login(ana)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(TRASH_URL, {"action": "restore", "_selected_action": [pictured.pk]}, follow=True)

    assert "Restored 1 article(s)." in response.content.decode()
    article = Article.objects.get(pk=pictured.pk)
    assert sorted(article.tags.names()) == ["coast", "weather"]
    assert article.hero_id == image and (article.vote_count, article.view_count) == (3, 40)
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Storm over the bay" in page and 'alt="The bay in a storm"' in page


def test_bulk_delete_also_goes_to_the_trash(client, ana, make_article):
    first, second = make_article(), make_article()
    client.force_login(ana)
    client.post(LIST_URL, {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"})
    assert set(Article.objects.in_trash().values_list("pk", flat=True)) == {first.pk, second.pk}
    assert Article.objects.published().count() == 0


def test_purge_deletes_for_good_only_when_asked(client, ana, make_article):
    article = make_article(vote_count=2, view_count=5)
    client.force_login(ana)
    client.post(f"{LIST_URL}{article.pk}/delete/", {"post": "yes"})
    assert Vote.objects.filter(article_id=article.pk).count() == 2  # nothing lost yet

    client.post(TRASH_URL, {"action": "purge", "_selected_action": [article.pk]})

    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Vote.objects.filter(article_id=article.pk).exists()
    assert not PopularityBucket.objects.filter(article_id=article.pk).exists()


def test_a_trashed_article_cannot_be_opened_for_editing(client, ana, make_article):
    article = make_article()
    client.force_login(ana)
    client.post(f"{LIST_URL}{article.pk}/delete/", {"post": "yes"})
    response = client.get(f"{LIST_URL}{article.pk}/change/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # "doesn't exist, perhaps deleted"
    # Moved to the trash by the delete, not deleted: the row is there, marked.
    assert Article.objects.filter(pk=article.pk).values_list("trashed_at", flat=True).get() is not None


def test_writers_do_not_see_the_trash(client, make_article):
    writer = staff("wanda", "Writers")
    draft = make_article(status=Article.Status.DRAFT, author=writer)
    client.force_login(writer)
    client.post(f"{LIST_URL}{draft.pk}/delete/", {"post": "yes"})
    assert client.get(TRASH_URL).status_code == 403
    assert client.post(TRASH_URL, {"action": "restore", "_selected_action": [draft.pk]}).status_code == 403
    assert "Trash" not in client.get("/admin/").content.decode()


def test_a_writer_moves_own_draft_they_had_open_to_the_trash(client, make_article):
    writer = staff("wanda", "Writers")
    draft = make_article(status=Article.Status.DRAFT, author=writer)
    client.force_login(writer)
    client.get(f"{LIST_URL}{draft.pk}/change/")  # takes the edit lock, a related row
    confirm = client.get(f"{LIST_URL}{draft.pk}/delete/").content.decode()
    assert "Move “" in confirm and "to the trash?" in confirm
    assert client.post(f"{LIST_URL}{draft.pk}/delete/", {"post": "yes"}).status_code == 302
    assert Article.objects.in_trash().filter(pk=draft.pk).exists()
