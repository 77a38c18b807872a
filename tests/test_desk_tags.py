"""Tags merged as editors mean them: any two or more from the tag list's action ("UK" into "United Kingdom"),
each retagged article with a kept version saying so and its pages purged; the list sorted ignoring case; the
suggestions the article form's tag chips show (most used first, any case)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from taggit.models import Tag

from articles.desk.versions import versions_of
from articles.models import Article
from tests.desk_helpers import change_form_data, staff

pytestmark = pytest.mark.django_db

TAGS_URL = "/admin/taggit/tag/"
SUGGESTIONS_URL = "/admin/taggit/tag/suggestions/"


def tag(name: str) -> Tag:
    return Tag.objects.get(name=name)


def merge(client, *names: str, keep: str):
    ids = [tag(name).pk for name in names]
    return client.post(
        TAGS_URL, {"action": "merge_tags", ACTION_CHECKBOX_NAME: ids, "kept": tag(keep).pk, "merge": "yes"}, follow=True
    )


def test_the_merge_action_asks_which_tag_to_keep_offering_the_most_used(client, eddie, make_article):
    client.force_login(eddie)
    make_article(tags=["UK"])
    for _ in range(2):
        make_article(tags=["United Kingdom"])
    ids = [tag("UK").pk, tag("United Kingdom").pk]

    asked = client.post(TAGS_URL, {"action": "merge_tags", ACTION_CHECKBOX_NAME: ids})

    page = asked.content.decode()
    assert asked.status_code == 200 and "Keep which tag?" in page
    assert f'value="{tag("United Kingdom").pk}" checked' in page  # the most used is offered
    assert "United Kingdom (2 articles)" in page and "UK (1 article)" in page
    assert Tag.objects.count() == 2  # nothing merged yet

    alone = client.post(TAGS_URL, {"action": "merge_tags", ACTION_CHECKBOX_NAME: ids[:1]}, follow=True)
    assert "Select two or more tags to merge." in alone.content.decode()


def test_merging_uk_into_united_kingdom_retags_each_article_with_a_version_saying_so(
    client, eddie, make_article, django_capture_on_commit_callbacks
):
    client.force_login(eddie)
    only_uk = make_article(title="Rail strike", tags=["UK", "Rail"])
    both = make_article(title="Storm warning", tags=["UK", "United Kingdom"])
    kept_only = make_article(title="Budget", tags=["United Kingdom"])
    versions_before = {a.pk: len(versions_of(a)) for a in (only_uk, both, kept_only)}

    with django_capture_on_commit_callbacks(execute=True):
        done = merge(client, "UK", "United Kingdom", keep="United Kingdom")

    assert "Merged “UK” into “United Kingdom”: 1 article(s) retagged." in done.content.decode()
    assert not Tag.objects.filter(name="UK").exists()
    assert sorted(Article.objects.get(pk=only_uk.pk).tags.names()) == ["Rail", "United Kingdom"]
    assert list(Article.objects.get(pk=both.pk).tags.names()) == ["United Kingdom"]
    for article in (only_uk, both):
        kept = versions_of(article)
        assert len(kept) == versions_before[article.pk] + 1
        assert kept[0].comment == "Tag “UK” merged into “United Kingdom”." and kept[0].by == "Eddie"
        assert "United Kingdom" in kept[0].tags and "UK" not in kept[0].tags
    assert len(versions_of(kept_only)) == versions_before[kept_only.pk]  # untouched: no version


def test_a_form_opened_before_the_merge_does_not_put_the_merged_tag_back(client, eddie, make_article):
    client.force_login(eddie)
    article = make_article(title="Rail strike", tags=["UK"])
    make_article(tags=["United Kingdom"])
    opened = change_form_data(client, article)  # built on the version before the merge, tags "UK"
    merge(client, "UK", "United Kingdom", keep="United Kingdom")

    client.post(f"/admin/articles/article/{article.pk}/change/", {**opened, "title": "Rail strike called off"})

    article.refresh_from_db()
    assert article.title == "Rail strike called off" and list(article.tags.names()) == ["United Kingdom"]
    assert not Tag.objects.filter(name="UK").exists()


def test_pages_showing_a_retagged_article_are_purged(client, eddie, make_article, django_capture_on_commit_callbacks):
    article = make_article(title="Rail strike", tags=["UK"])
    make_article(tags=["United Kingdom"])
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss" and client.get(url)["X-Page-Cache"] == "hit"

    client.force_login(eddie)
    with django_capture_on_commit_callbacks(execute=True):
        merge(client, "UK", "United Kingdom", keep="United Kingdom")
    client.logout()

    after = client.get(url)
    assert after["X-Page-Cache"] == "miss" and "United Kingdom" in after.content.decode()


def test_merging_three_tags_keeps_the_chosen_one_even_if_less_used(client, eddie, make_article):
    client.force_login(eddie)
    make_article(tags=["GB"])
    make_article(tags=["Britain", "GB"])
    make_article(tags=["Britain"])
    make_article(tags=["United Kingdom"])

    done = merge(client, "GB", "Britain", "United Kingdom", keep="United Kingdom")

    assert "Merged “Britain”, “GB” into “United Kingdom”: 3 article(s) retagged." in done.content.decode()
    assert list(Tag.objects.values_list("name", flat=True)) == ["United Kingdom"]
    assert Article.objects.filter(tags__name="United Kingdom").count() == 4


def test_the_tag_list_is_sorted_ignoring_case(client, eddie, make_article):
    client.force_login(eddie)
    for name in ["zebra crossing", "Apple", "bridge", "Canal"]:
        make_article(tags=[name])
    page = client.get(TAGS_URL).content.decode()
    positions = [page.index(f">{name}<") for name in ["Apple", "bridge", "Canal", "zebra crossing"]]
    assert positions == sorted(positions)


def test_suggestions_are_existing_tags_most_used_first_in_any_case(client, eddie, make_article):
    client.force_login(eddie)
    make_article(tags=["UK"])
    for _ in range(3):
        make_article(tags=["United Kingdom"])
    for _ in range(2):
        make_article(tags=["Ukraine"])
    make_article(tags=["Harbour"])

    found = client.get(SUGGESTIONS_URL, {"q": "u"}).json()["tags"]

    assert found == [
        {"name": "United Kingdom", "uses": 3},
        {"name": "Ukraine", "uses": 2},
        {"name": "UK", "uses": 1},
    ]
    assert [t["name"] for t in client.get(SUGGESTIONS_URL, {"q": "KINGDOM"}).json()["tags"]] == ["United Kingdom"]
    assert client.get(SUGGESTIONS_URL, {"q": ""}).json() == {"tags": []}


def test_suggestions_need_a_signed_in_desk_account(client):
    assert client.get(SUGGESTIONS_URL, {"q": "u"}).status_code == 302  # to the sign-in page


def test_without_javascript_the_tags_are_a_plain_comma_field(client, eddie, make_article):
    client.force_login(eddie)
    article = make_article(title="Storm", tags=["New York", "weather"])
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'type="text" name="tags" value="&quot;New York&quot;, weather"' in page
    assert 'data-tag-names="[&quot;New York&quot;, &quot;weather&quot;]"' in page
    assert 'data-suggestions-url="/admin/taggit/tag/suggestions/"' in page and "/static/tags/chips.js" in page

    client.post(
        f"/admin/articles/article/{article.pk}/change/",
        change_form_data(client, article, tags="weather, harbour barrier"),
    )
    assert sorted(Article.objects.get(pk=article.pk).tags.names()) == ["harbour barrier", "weather"]


def test_a_writer_gets_suggestions_but_cannot_merge(client, make_article):
    writer = staff("wanda", "Writers")
    client.force_login(writer)
    make_article(tags=["UK"])
    make_article(tags=["United Kingdom"])
    assert [t["name"] for t in client.get(SUGGESTIONS_URL, {"q": "uni"}).json()["tags"]] == ["United Kingdom"]
    ids = [tag("UK").pk, tag("United Kingdom").pk]
    assert "merge_tags" not in client.get(TAGS_URL).content.decode()
    client.post(TAGS_URL, {"action": "merge_tags", ACTION_CHECKBOX_NAME: ids, "kept": ids[1], "merge": "yes"})
    assert Tag.objects.count() == 2  # a crafted POST merges nothing
