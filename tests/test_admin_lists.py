"""The article list editors use: one status filter, typed tag/author filters, pick order edited in place,
bulk tag edits, tag usage counts; tags matched case-insensitively and old case-duplicates merged."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from taggit.models import Tag

from articles.models import Article, TaggedArticle

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"


def staff(username: str, group: str, **names) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-only", is_staff=True, **names)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_a_tag_typed_in_another_case_is_the_same_tag(make_article):
    first, second = make_article(), make_article()
    first.tags.add("harbour barrier")
    second.tags.add("Harbour Barrier")
    assert list(Tag.objects.values_list("name", flat=True)) == ["harbour barrier"]
    assert set(Tag.objects.get().articles_taggedarticle_items.values_list("content_object", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_merge_command_folds_old_case_duplicates_into_the_most_used_tag(make_article):
    most = Tag.objects.create(name="harbour barrier", slug="harbour-barrier")
    stray = Tag.objects.create(name="Harbour Barrier", slug="harbour-barrier_1")
    other = Tag.objects.create(name="Weather", slug="weather")
    a, b, c = make_article(), make_article(), make_article()
    for article, tag in [(a, most), (b, most), (b, stray), (c, stray), (c, other)]:
        TaggedArticle.objects.create(content_object=article, tag=tag)

    dry = io.StringIO()
    call_command("merge_duplicate_tags", "--dry-run", stdout=dry)
    assert "Would merge “Harbour Barrier” into “harbour barrier” (1 article(s) retagged)." in dry.getvalue()
    assert Tag.objects.count() == 3

    out = io.StringIO()
    call_command("merge_duplicate_tags", stdout=out)
    assert "Merged “Harbour Barrier” into “harbour barrier”" in out.getvalue()
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Weather", "harbour barrier"]
    for article in (a, b, c):
        assert "harbour barrier" in article.tags.names()
    assert sorted(c.tags.names()) == ["Weather", "harbour barrier"]
    again = io.StringIO()
    call_command("merge_duplicate_tags", stdout=again)
    assert "No tags differ only in case." in again.getvalue()


def test_list_has_one_status_filter_and_typed_tag_and_author_filters(client, eddie, make_article):
    client.force_login(eddie)
    tagged = make_article(title="Barrier closes", author=eddie)
    tagged.tags.add("harbour barrier")
    for n in range(55):
        make_article(title=f"Other {n}").tags.add(f"tag-{n}")
    page = client.get(LIST_URL).content.decode()
    assert "By publication" in page and "By status" not in page
    assert page.count("?tag=") == 0 and page.count("?tags__id__exact=") == 0  # no list of 55 tag links
    assert 'name="tag"' in page and 'list="tag-suggestions"' in page and 'name="author"' in page

    filtered = client.get(LIST_URL, {"tag": "Harbour Barrier"}).content.decode()
    assert "Barrier closes" in filtered and "Other 1<" not in filtered and "1 article" in filtered
    by_author = client.get(LIST_URL, {"author": "eddie"}).content.decode()
    assert "Barrier closes" in by_author and "Other 1<" not in by_author


def test_editors_order_picks_from_the_list_and_writers_cannot(client, eddie, make_article):
    picked = make_article(is_editors_pick=True, editors_pick_order=5)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(picked.pk),
        "form-0-editors_pick_order": "1",
        "_save": "Save",
    }
    client.force_login(staff("wanda", "Writers"))
    client.post(LIST_URL, data)
    picked.refresh_from_db()
    assert picked.editors_pick_order == 5

    client.force_login(eddie)
    response = client.post(LIST_URL, data)
    assert response.status_code == 302
    picked.refresh_from_db()
    assert picked.editors_pick_order == 1


def test_bulk_add_and_remove_tags(client, eddie, make_article):
    client.force_login(eddie)
    Tag.objects.create(name="harbour", slug="harbour")
    first, second = make_article(), make_article()
    ids = [str(first.pk), str(second.pk)]
    client.post(LIST_URL, {"action": "add_tags", "_selected_action": ids, "tags": "Harbour, storm", "index": "0"})
    assert sorted(first.tags.names()) == ["harbour", "storm"] and sorted(second.tags.names()) == ["harbour", "storm"]
    assert Tag.objects.count() == 2  # "Harbour" is the existing "harbour"
    client.post(LIST_URL, {"action": "remove_tags", "_selected_action": ids[:1], "tags": "STORM", "index": "0"})
    assert list(first.tags.names()) == ["harbour"] and sorted(second.tags.names()) == ["harbour", "storm"]


def test_tag_list_shows_how_many_articles_use_each(client, eddie, make_article):
    client.force_login(eddie)
    for _ in range(3):
        make_article().tags.add("harbour")
    make_article().tags.add("anchor")
    page = client.get("/admin/taggit/tag/").content.decode()
    assert '<td class="field-usage">3</td>' in page and '<td class="field-usage">1</td>' in page
    by_usage = client.get("/admin/taggit/tag/", {"o": "-3"}).content.decode()  # list_display[3]: usage
    assert by_usage.index(">harbour<") < by_usage.index(">anchor<")  # most used first when sorted by usage
    assert Article.objects.count() == 4
