"""Issue 11 (hardening): odd input found by a security test answers sensibly, never a 500."""

import datetime
import io
import re
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from PIL import Image as PillowImage
from taggit.models import Tag

from articles.models import Article
from articles.publishing import article_unpublish, article_update
from tests.builders import article_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", [",", "!!!"])
def test_a_tag_whose_name_slugifies_to_nothing_gets_a_usable_slug(client, make_article, name):
    article = make_article(tags=[name])
    tag = Tag.objects.get(name=name)
    assert tag.slug.startswith("tag-")

    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert f'href="/tag/{tag.slug}/"' in page.content.decode()
    assert client.get(f"/tag/{tag.slug}/").status_code == 200
    assert client.get(f"/tag/{tag.slug}/feed/").status_code == 200


def test_two_such_tags_get_different_slugs(make_article):
    make_article(tags=["!!!", "???"])
    slugs = {tag.slug for tag in Tag.objects.all()}
    assert len(slugs) == 2
    assert all(slug.startswith("tag-") for slug in slugs)


@pytest.mark.parametrize("slug", ["", "budget/2027"])  # stored before the fix; written around the admin
def test_pages_showing_a_tag_whose_slug_no_address_holds_do_not_fail(client, make_article, slug):
    article = make_article(tags=["budget"])
    Tag.objects.filter(name="budget").update(slug=slug)
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))

    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert "budget" in page.content.decode()
    assert client.get(article.get_preview_url()).status_code == 200


def _rename_published(make_article, *, old: str, new: str):
    article = make_article(slug=old, title="The original story")
    article.slug = new
    article_update(article=article)
    return article


def test_a_draft_cannot_take_a_live_articles_old_slug_in_the_admin(client, make_article, section):
    _rename_published(make_article, old="harbour", new="harbour-reopens")
    writer = User.objects.create_user(username="wanda", password="pw-for-tests-only", is_staff=True)
    writer.groups.add(Group.objects.get(name="Writers"))
    client.force_login(writer)

    response = client.post("/admin/articles/article/add/", article_form(section, slug="harbour", status="draft"))

    assert response.status_code == 200  # the form again, with the error
    assert "still redirects readers to “The original story”" in response.content.decode()
    assert not Article.objects.filter(title="Harbour reopens after storm").exists()
    moved = client.get("/news/harbour/")
    assert moved.status_code == 301 and moved["Location"] == "/news/harbour-reopens/"


def test_the_service_refuses_a_draft_taking_a_live_articles_old_slug(client, make_article):
    _rename_published(make_article, old="harbour", new="harbour-reopens")
    draft = make_article(slug="other", status=Article.Status.DRAFT)
    draft.slug = "harbour"

    with pytest.raises(ValidationError) as refused:
        article_update(article=draft)

    assert "slug" in refused.value.message_dict
    assert client.get("/news/harbour/")["Location"] == "/news/harbour-reopens/"


def test_an_article_may_take_back_its_own_old_slug_or_that_of_an_unpublished_one(client, make_article):
    original = _rename_published(make_article, old="harbour", new="harbour-reopens")
    original.slug = "harbour"
    article_update(article=original)
    assert client.get("/news/harbour/").status_code == 200

    gone = _rename_published(make_article, old="storm", new="storm-update")
    article_unpublish(article=gone)
    draft = make_article(slug="other", status=Article.Status.DRAFT)
    draft.slug = "storm"
    article_update(article=draft)  # nobody reaches the unpublished story through that address any more
    assert Article.objects.get(pk=draft.pk).slug == "storm"


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/feed/", "channel/item/description"),
        ("/atom/", "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary"),
    ],
)
def test_feed_summaries_are_html_escaped_text(client, make_article, url, path):
    make_article(summary='Fish & chips <img src=x onerror="alert(1)">')

    feed = ElementTree.fromstring(client.get(url).content)

    # Readers take the element's text as HTML: the summary must come out as text, never as markup.
    assert feed.find(path).text == "Fish &amp; chips &lt;img src=x onerror=&quot;alert(1)&quot;&gt;"


@pytest.mark.parametrize("url", ["/tag/%00/", "/tag/%00/feed/", "/tag/%00/atom/", "/news/a%00b/", "/search/?q=%00"])
def test_a_nul_byte_in_a_reader_url_is_a_bad_request(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/admin/autocomplete/?app_label=articles&model_name=article&field_name=tags&term=%00",
        "/admin/taggit/tag/?q=%00",
        "/admin/articles/article/?status=%00",
        "/admin/articles/article/?q=a%00",
    ],
)
def test_a_nul_byte_in_the_admin_search_or_filters_is_a_bad_request(client, url):
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("url", ["/feed/", "/atom/", "/section/world/feed/", "/tag/budget/atom/", "/sitemap.xml", "/"])
def test_options_on_a_feed_answers_like_any_page_without_a_body(client, make_article, url):
    make_article(tags=["budget"])

    response = client.options(url)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.content == b""


@pytest.mark.parametrize("url", ["/", "/latest/", "/section/world/", "/news/timed/"])
def test_time_datetime_values_are_whole_seconds(client, make_article, url):
    at = datetime.datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=datetime.UTC)
    make_article(slug="timed", published_at=at)
    Article.objects.update(updated_at=at)

    page = client.get(url).content.decode()

    # The W3C validator refuses more than three fraction digits; whole seconds say all a reader needs.
    assert 'datetime="2026-03-04T05:06:07+00:00"' in page
    assert not re.search(r'datetime="[^"]*\.\d', page)


def test_the_site_has_a_favicon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "public" in response["Cache-Control"]
    with PillowImage.open(io.BytesIO(b"".join(response))) as icon:
        assert icon.format == "ICO"
