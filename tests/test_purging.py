"""Purging by design: every reader page records what it shows where it is read, with no hand call, so a
change to anything on it purges its cached copy; writes that are not saves purge through one helper."""

import copy
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, include, path

from articles import publishing
from articles.authors.models import Author
from articles.media.services import image_update
from articles.models import Article
from articles.signals import reader_visible_update
from newsroom.cache import EVERY_STORY, FRONT, shows_article
from newsroom.http_cache import public_cache
from tests.builders import add_stories, build_newsroom, library_image
from tests.conftest import shared_by_module

pytestmark = pytest.mark.django_db

# Every URL of the site, by name: a reader page (and where to find one), or not one. A new URL fails
# `test_every_url_is_known` until it is placed here, and a new reader page is then checked below.
READER_PAGES = {
    "articles:home": "/",
    "articles:latest": "/latest/",
    "articles:most_read": "/most-read/",
    "articles:detail": "/news/story-00/",
    "articles:section": "/section/world/",
    "articles:section-feed": "/section/world/feed/",
    "articles:section-atom": "/section/world/atom/",
    "articles:tag": "/tag/topic-0/",
    "articles:tag-feed": "/tag/topic-0/feed/",
    "articles:tag-atom": "/tag/topic-0/atom/",
    "articles:search": "/search/?q=story",
    "articles:author": "/author/test-writer/",
    "articles:author-feed": "/author/test-writer/feed/",
    "articles:feed": "/feed/",
    "articles:atom": "/atom/",
    "sitemap": "/sitemap.xml",
    "news-sitemap": "/news-sitemap.xml",
}
SHOWS_NO_ARTICLE = {"robots"}  # the site's name and addresses only (every page records those)
NOT_READER_PAGES = {
    "articles:preview",
    "articles:vote",
    "articles:seen",
    "articles:seen-image",
    "healthz",
    "readyz",
    "favicon",
    "csp-report",
}
# A sitemap lists addresses and dates, which only a save changes (and a save purges its list): its rows are not
# recorded one by one (`shows_list(rows=False)`), so an image edit keeps it.
LISTS_ONLY = {"sitemap", "news-sitemap"}


def url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_is_known():
    assert url_names(get_resolver("newsroom.urls").url_patterns) == (
        set(READER_PAGES) | SHOWS_NO_ARTICLE | NOT_READER_PAGES
    )


@shared_by_module
def newsroom_rows():
    room = build_newsroom(count=12)
    writer = User.objects.create_user("test-writer", password="x" * 12)
    Author.objects.create(user=writer, name="Test Writer", slug="test-writer")
    Article.objects.update(author=writer)  # the room's bylines are Test Writer's
    for article in room.articles:
        article.author = writer
    return room


@pytest.fixture
def room(newsroom_rows):
    return copy.deepcopy(newsroom_rows)


def shown_article(room, content: str) -> Article:
    return next(a for a in room.articles if a.get_absolute_url() in content)


@pytest.mark.parametrize("name", sorted(READER_PAGES))
def test_an_edit_to_any_article_a_reader_page_shows_purges_it(client, room, name, django_capture_on_commit_callbacks):
    url = READER_PAGES[name]
    first = client.get(url)
    article = shown_article(room, first.content.decode())
    assert first["X-Page-Cache"] == "miss" and client.get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Corrected headline"
        publishing.article_update(article=article)
    after = client.get(url)

    assert after["X-Page-Cache"] == "miss"
    assert name in LISTS_ONLY - {"news-sitemap"} or "Corrected headline" in after.content.decode()


@pytest.mark.parametrize("name", sorted(set(READER_PAGES) - LISTS_ONLY))
def test_a_change_that_purges_only_the_article_reaches_every_page_showing_it(
    client, room, name, django_capture_on_commit_callbacks
):
    """An image edit purges the articles that show it, not the lists they are on: only a page that recorded
    the article itself is purged."""
    url = READER_PAGES[name]
    article = shown_article(room, client.get(url).content.decode())
    article.hero = library_image(alt="Harbour wall at dusk")
    with django_capture_on_commit_callbacks(execute=True):
        publishing.article_update(article=article)
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        article.hero.alt = "The harbour wall, rebuilt"
        image_update(image=article.hero)

    assert client.get(url)["X-Page-Cache"] == "miss"


# A page written today with no thought for the cache: it reads articles and their tags, and says nothing.
@public_cache
def unannounced_list(request):
    stories = Article.objects.published().order_by("-published_at")[:3]
    return HttpResponse(" | ".join(f"{a.title} [{', '.join(t.name for t in a.tags.all())}]" for a in stories))


urlpatterns = [path("unannounced/", unannounced_list), path("", include("newsroom.urls"))]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("edit", ["title", "tag name"])
def test_a_new_page_that_records_nothing_by_hand_is_still_purged(
    client, room, edit, django_capture_on_commit_callbacks
):
    newest = Article.objects.published().order_by("-published_at").first()
    assert client.get("/unannounced/")["X-Page-Cache"] == "miss"
    assert client.get("/unannounced/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        if edit == "title":
            newest.title = "Corrected headline"
            publishing.article_update(article=newest)
        else:
            tag = newest.tags.order_by("name").first()
            tag.name = "Harbour works"
            tag.save()
    after = client.get("/unannounced/")

    assert after["X-Page-Cache"] == "miss"
    assert ("Corrected headline" if edit == "title" else "Harbour works") in after.content.decode()


def test_a_write_that_is_not_a_save_purges_through_the_helper(client, room, django_capture_on_commit_callbacks):
    article = room.articles[3]
    url = article.get_absolute_url()
    client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        updated = reader_visible_update(Article.objects.filter(pk=article.pk), summary="Summary, corrected.")
    page = client.get(url)

    assert updated == 1
    assert page["X-Page-Cache"] == "miss" and "Summary, corrected." in page.content.decode()


# Lists a story edited in place (its words, not where it stands) need not be rebuilt unless they show it.
UNMOVED_LISTS = ["/latest/", "/feed/", "/atom/", "/section/sports/", "/tag/topic-0/"]
EVERY_STORY_PAGES = ["/search/?q=story", "/sitemap.xml", "/news-sitemap.xml"]


def test_an_edit_in_place_keeps_the_lists_that_do_not_show_the_story(client, room, django_capture_on_commit_callbacks):
    add_stories(room, count=25)  # the oldest are on no first page
    shown = "".join(client.get(url).content.decode() for url in UNMOVED_LISTS)
    for url in EVERY_STORY_PAGES:
        client.get(url)
    article = next(a for a in room.articles if a.get_absolute_url() not in shown)
    assert all(client.get(url)["X-Page-Cache"] == "hit" for url in UNMOVED_LISTS + EVERY_STORY_PAGES)
    its_section = f"/section/{article.section.slug}/"
    client.get(its_section)

    with django_capture_on_commit_callbacks(execute=True):
        article.title, article.summary = "Corrected headline", "A corrected summary."
        publishing.article_update(article=article)

    assert {url: client.get(url)["X-Page-Cache"] for url in UNMOVED_LISTS} == dict.fromkeys(UNMOVED_LISTS, "hit")
    # Pages that read every story's words and dates without recording them, the story's page and a list showing it:
    for url in [*EVERY_STORY_PAGES, article.get_absolute_url(), its_section]:
        assert client.get(url)["X-Page-Cache"] == "miss", url
    assert "Corrected headline" in client.get(its_section).content.decode()


@pytest.fixture
def purged(monkeypatch):
    """What each save purges after commit, by name."""
    names: set[str] = set()
    monkeypatch.setattr("articles.signals.purge_on_commit", lambda *shown: names.update(shown))
    return names


def in_place(article, room):
    article.title, article.summary, article.body = "New headline", "New summary.", "<p>New body.</p>"
    article.byline, article.dateline, article.meta_description = "By Someone Else", "OSLO", "New description."


MOVES = {
    "time": lambda a, room: setattr(a, "published_at", a.published_at - timedelta(days=2)),
    "section": lambda a, room: setattr(a, "section", room.sports if a.section_id != room.sports.pk else room.world),
    "slug": lambda a, room: setattr(a, "slug", "a-new-address"),
    "pick": lambda a, room: setattr(a, "is_editors_pick", True),
    "ranking": lambda a, room: setattr(a, "exclude_from_ranking", True),
    "noindex": lambda a, room: setattr(a, "noindex", True),
    "author": lambda a, room: setattr(a, "author", User.objects.create_user("second-writer")),
    "unpublished": lambda a, room: setattr(a, "status", Article.Status.DRAFT),
}


@pytest.mark.parametrize("change", [*MOVES, "in place"])
def test_a_save_purges_the_lists_only_when_it_may_move_the_story(room, purged, change):
    article = Article.objects.get(pk=room.articles[5].pk)
    tag_lists = {f"tag-list:{pk}" for pk in article.tags.values_list("pk", flat=True)}
    MOVES.get(change, in_place)(article, room)

    article.save()

    if change == "in place":
        assert purged == {shows_article(article.pk), EVERY_STORY}
    else:
        lists = {FRONT, f"section-list:{article.section_id}", f"author-list:{article.author_id}", *tag_lists}
        assert {shows_article(article.pk), EVERY_STORY, *lists} <= purged


def test_a_save_that_writes_only_fields_read_in_place_reads_no_stored_row(room, purged, django_assert_num_queries):
    article = Article.objects.get(pk=room.articles[2].pk)
    article.title = "New headline"
    with django_assert_num_queries(1):  # the update alone
        article.save(update_fields=["title"])

    assert purged == {shows_article(article.pk), EVERY_STORY}
