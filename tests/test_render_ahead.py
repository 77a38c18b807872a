"""Story pages rendered ahead of readers (articles/render_ahead.py): an archived story nobody has asked for is served
as a kept copy — no render, no SQL — and only what is missing is rendered, once."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles import render_ahead as render_ahead_module
from articles.models import Article
from articles.page_cache import forget_local_copies
from articles.render_ahead import default_origin, render_ahead, tag_paths
from newsroom.cache import page_key
from newsroom.round_trips import Call, in_one_round_trip

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"  # the test client's


def test_an_archived_story_rendered_ahead_is_a_hit_with_no_query_on_its_first_view(client, make_article):
    stories = [make_article(tags=["harbour"]) for _ in range(3)]

    done = render_ahead([ORIGIN])

    assert (done.tags, done.stories, done.rendered, done.held, done.failed) == (1, 3, 4, 0, 0)  # the tag's page too
    forget_local_copies()  # a reader on another process: the copy comes from the shared cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(stories[-1].get_absolute_url())
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"
    assert stories[-1].title in response.content.decode()
    assert len(queries) == 0


def test_the_page_rendered_ahead_is_the_page_a_reader_would_have_been_served(client, make_article):
    story = make_article(tags=["harbour", "ships"])
    make_article(tags=["harbour"])  # Related, stitched with the blocks when served
    rendered_by_a_reader = client.get(story.get_absolute_url()).content
    cache.clear()
    forget_local_copies()

    render_ahead([ORIGIN])
    forget_local_copies()

    response = client.get(story.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert response.content == rendered_by_a_reader


def test_a_second_run_renders_nothing_and_a_new_story_alone_is_rendered(make_article):
    make_article()
    make_article()
    render_ahead([ORIGIN])

    again = render_ahead([ORIGIN])
    assert (again.rendered, again.held) == (0, 2)

    make_article(title="Fresh")
    after = render_ahead([ORIGIN])
    assert (after.stories, after.rendered, after.held) == (3, 1, 2)


def test_drafts_scheduled_and_trashed_stories_are_not_rendered(client, make_article):
    make_article(title="Out")
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    trashed = make_article()
    trashed.trashed_at = timezone.now()
    trashed.save()

    done = render_ahead([ORIGIN])

    assert (done.stories, done.rendered) == (1, 1)
    for story in (draft, scheduled, trashed):
        assert client.get(f"/news/{story.slug}/").status_code == 404


def test_each_origin_gets_its_own_copy(client, make_article):
    story = make_article()

    done = render_ahead(["http://testserver", "http://localhost"])

    assert done.rendered == 2
    forget_local_copies()
    assert client.get(story.get_absolute_url(), HTTP_HOST="localhost")["X-Page-Cache"] == "hit"
    assert client.get(story.get_absolute_url(), HTTP_HOST="127.0.0.1")["X-Page-Cache"] == "miss"


def test_a_budget_stops_it_and_the_next_run_goes_on(make_article):
    newest, older = make_article(), make_article()  # article 1 is the newest (published an hour ago)

    first = render_ahead([ORIGIN], seconds=0)
    assert (first.rendered, first.out_of_time) == (0, True)

    keys = _copies([newest, older])
    call_command("render_ahead", "--origin", ORIGIN, "--seconds", "60")
    assert in_one_round_trip([Call("exists", key) for key in keys]) == [True, True]


def test_tag_pages_go_first_most_used_first_and_are_then_hits_with_no_query(client, make_article, settings):
    """The tags on the most published stories first, none on a draft alone; a tag's page stays kept past the page
    cache's minutes (`kept_until_changed`), so rendering it ahead lasts."""
    make_article(tags=["harbour", "ships"])
    make_article(tags=["harbour"])
    make_article(tags=["embargoed"], status=Article.Status.DRAFT)

    done = render_ahead([ORIGIN])

    assert tag_paths() == ["/tag/harbour/", "/tag/ships/"]
    Tag.objects.filter(slug="ships").update(slug="ships/boats")  # no address holds it: left out, nothing fails
    assert tag_paths() == ["/tag/harbour/"]
    Tag.objects.filter(slug="ships/boats").update(slug="ships")
    assert (done.tags, done.stories, done.rendered) == (2, 2, 4)
    forget_local_copies()
    later = timezone.now() + timedelta(seconds=settings.NEWSROOM_PAGE_CACHE_SECONDS + 60)
    with time_machine.travel(later):
        assert client.get("/tag/harbour/")["X-Page-Cache"] == "hit"  # the lists caught up first: one query at most
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/tag/harbour/")
    assert response["X-Page-Cache"] == "hit" and len(queries) == 0
    assert client.get("/tag/embargoed/")["X-Page-Cache"] == "miss"


def test_the_newest_stories_are_rendered_first(make_article, monkeypatch):
    """A budget that runs out leaves the oldest for the next run: the newest are likeliest to be read."""
    stories = [make_article() for _ in range(4)]  # article n published n hours ago
    stories[3].published_at = timezone.now() - timedelta(minutes=5)  # the last one made is now the newest
    stories[3].save()
    asked = []
    reader_request = render_ahead_module._reader_request
    monkeypatch.setattr(
        render_ahead_module, "_reader_request", lambda *args: asked.append(args[2]) or reader_request(*args)
    )

    render_ahead([ORIGIN])

    rendered = [path for path in asked if path.startswith("/news/")]  # not the origin's check ("/")
    assert rendered == [stories[i].get_absolute_url() for i in (3, 0, 1, 2)]


def test_parts_split_the_stories_between_processes(make_article):
    stories = [make_article() for _ in range(5)]

    one = render_ahead([ORIGIN], part=(0, 2))
    two = render_ahead([ORIGIN], part=(1, 2))

    assert one.rendered + two.rendered == 5 and one.stories == sum(s.pk % 2 == 0 for s in stories)
    assert render_ahead([ORIGIN]).rendered == 0


def test_the_command_reports_what_it_did_and_refuses_what_it_cannot_read(make_article, capsys):
    make_article()
    call_command("render_ahead", "--origin", ORIGIN)
    assert "Rendered ahead: 1 page(s) of 0 tags and 1 stories; 0 already kept; 0 failed." in capsys.readouterr().out

    with pytest.raises(CommandError, match="give K/N"):
        call_command("render_ahead", "--origin", ORIGIN, "--part", "3/2")
    with pytest.raises(CommandError, match=r"is not an origin like https://news\.example\.com"):
        call_command("render_ahead", "--origin", "news.example.com")


def test_a_site_domain_readers_could_not_use_is_refused_before_anything_is_rendered(make_article, settings):
    """A domain left at its default (or mistyped) would have every render answered 400, each a security error
    logged: the command says what to set instead."""
    make_article()
    settings.ALLOWED_HOSTS = ["news.example.com"]

    with pytest.raises(CommandError, match=r"'127\.0\.0\.1:8000' is not in ALLOWED_HOSTS: set the site's domain"):
        call_command("render_ahead", "--origin", "http://127.0.0.1:8000")
    assert render_ahead(["https://news.example.com"]).rendered == 1


def test_the_default_origin_is_the_sites_domain(settings, public_domain):
    settings.SECURE_SSL_REDIRECT = False
    assert default_origin() == "http://news.example.com"
    settings.SECURE_SSL_REDIRECT = True
    assert default_origin() == "https://news.example.com"


def _copies(stories) -> list[str]:
    return [page_key(scheme="http", host="testserver", path=s.get_absolute_url(), query={}) for s in stories]


def test_a_page_whose_error_page_fails_too_is_counted_and_the_rest_go_on(make_article, monkeypatch, caplog):
    """Django raises when even its error page cannot be rendered (a static file missing from the manifest, say)."""
    stories = [make_article(), make_article()]
    reader_request = render_ahead_module._reader_request

    def broken_first(scheme, host, path):
        if path == stories[0].get_absolute_url():
            raise ValueError("Missing staticfiles manifest entry")
        return reader_request(scheme, host, path)

    monkeypatch.setattr(render_ahead_module, "_reader_request", broken_first)

    done = render_ahead([ORIGIN])

    assert (done.failed, done.rendered) == (1, 1)
    assert f"Rendering {stories[0].get_absolute_url()} ahead failed" in caplog.text
