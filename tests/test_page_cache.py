"""The full-page cache: hits run no SQL, validators give 304s, edits show at once, schedules on time."""

import copy
import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import page_cache, publishing
from articles.authors.models import Author
from articles.media.services import image_update
from articles.models import Article, Section
from articles.page_cache import LocalCopies, drop_copy, local_copies
from articles.related import RELATED_LIMIT, candidates_key
from articles.widgets import RANKING_LIMIT
from newsroom import cache_entries, held_copies
from newsroom.cache import page_key, shows_article
from newsroom.cache_backend import FailSafeRedisCache
from newsroom.cache_entries import get_or_build, rebuild_done, rebuild_lock
from newsroom.db_router import LAST_PURGE_KEY
from newsroom.round_trips import Call, in_one_round_trip
from tests.builders import add_stories, build_newsroom, library_image, record_votes
from tests.conftest import shared_by_module

pytestmark = pytest.mark.django_db


@shared_by_module
def newsroom_rows():
    return build_newsroom(count=12)


@pytest.fixture
def room(newsroom_rows):
    return copy.deepcopy(newsroom_rows)


@pytest.fixture
def cache_calls(monkeypatch):
    """`cache_calls("get", "get_many")`: from now on, the names of those cache methods called, in order — the
    calls a request makes, not those local memory makes inside them (its `get_many` calls `get` per key)."""

    def watch(*names: str, also: tuple[tuple[object, str, str], ...] = ()) -> list[str]:
        """`also`: (module, function, as what) recorded with them, e.g. a pipeline's one round trip."""
        calls, depth = [], [0]

        def recorded(name, method):
            def call(*args, **kwargs):
                if not depth[0]:
                    calls.append(name)
                depth[0] += 1
                try:
                    return method(*args, **kwargs)
                finally:
                    depth[0] -= 1

            return call

        for name in names:
            monkeypatch.setattr(cache, name, recorded(name, getattr(cache, name)))
        for module, function, label in also:
            monkeypatch.setattr(module, function, recorded(label, getattr(module, function)))
        return calls

    return watch


def test_a_second_visit_is_served_from_the_cache_without_a_query(client, room, django_assert_num_queries):
    url = room.articles[2].get_absolute_url()
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    for header in ("Cache-Control", "Content-Security-Policy", "ETag", "Last-Modified", "Content-Type"):
        assert second[header] == first[header]
    assert "Set-Cookie" not in second.headers


def test_a_hit_asks_the_shared_cache_only_whether_anything_was_purged(client, room, cache_calls, monkeypatch):
    """One round trip: the process keeps the copy it served, and checks only that nothing on it was purged — the
    copy's purge marks and its blocks' the first time, then the last purge's key alone (`newsroom.held_copies`)."""
    url = room.articles[2].get_absolute_url()
    client.get(url)
    client.get(url)  # its marks found current
    calls = cache_calls("get", "get_many", "set", "add", "set_many", "delete")
    asked = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, *args, **kwargs: get_many(asked.extend(keys) or keys))

    third = client.get(url)

    assert third["X-Page-Cache"] == "hit"
    assert calls == ["get_many"] and asked == [LAST_PURGE_KEY]


def test_copies_found_current_since_the_last_purge_are_not_read_again_beside_one_that_was_not(monkeypatch):
    """A page fetched from the shared cache is checked against its own purge marks, with the last purge's key, in one
    read; the blocks stitched into it, found current since that purge, are not read again (`newsroom.held_copies`) —
    unless the key moved: then every copy's marks are read, and a purged block is found so."""
    cache.set_many({"purged:test:block": 11, "purged:test:page": 22, LAST_PURGE_KEY: 1000})
    monkeypatch.setattr(held_copies, "_last_purge_seen", [1000])
    block = {"versions": {"test:block": 11}, held_copies.CURRENT_AT: 1000}
    page = {"versions": {"test:page": 22}}
    asked = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, *args, **kwargs: get_many(asked.extend(keys) or keys))

    assert held_copies.held_copies_current([page, block])[0] == [True, True]
    assert asked == [LAST_PURGE_KEY, "purged:test:page"]
    assert page[held_copies.CURRENT_AT] == 1000

    cache.set_many({"purged:test:block": 12, LAST_PURGE_KEY: 1001})  # a purge of what the block shows
    asked.clear()
    fetched = {"versions": {"test:page": 22}}
    assert held_copies.held_copies_current([fetched, block])[0] == [True, False]
    assert sorted(asked[2:]) == sorted([LAST_PURGE_KEY, "purged:test:page", "purged:test:block"])


def test_a_page_kept_by_another_process_is_fetched_with_its_marks_in_one_round_trip(client, room, cache_calls):
    """On Redis, a page this process does not hold is looked up with its purge marks and the last purge's key (named
    beside the copy when it was kept): no second read to check it."""
    cache_entries.purge("test:nothing-on-the-pages")  # the last purge's key is there to read (as on a live site)
    url = room.articles[2].get_absolute_url()
    client.get(url)
    client.get(room.articles[3].get_absolute_url())  # this process's blocks found current since the last purge
    local_copies.drop(page_key(host="testserver", path=url, query={}))  # kept by another process, not held here
    calls = cache_calls("get", "get_many", "set", "add", also=((page_cache, "copy_else_lock", "lookup"),))

    assert client.get(url)["X-Page-Cache"] == "hit"
    on_redis = isinstance(caches["default"], FailSafeRedisCache)
    assert calls == (["lookup"] if on_redis else ["lookup", "get_many"])  # local memory: the marks read apart


def test_marks_are_named_beside_a_story_page_not_beside_a_list(client, room):
    """A list's copy is checked with the lists' state (`LISTS_KEYS`), read apart: naming its marks would read them
    twice."""
    story_url = room.articles[2].get_absolute_url()
    client.get(story_url)
    client.get("/")

    assert cache.has_key(f"{page_key(host='testserver', path=story_url, query={})}:marks")
    assert not cache.has_key(f"{page_key(host='testserver', path='/', query={})}:marks")


def test_a_page_whose_named_marks_are_not_its_own_is_checked_against_its_own(
    client, room, django_capture_on_commit_callbacks
):
    """The names kept beside a copy are only used where they name every mark of the copy fetched; other names (a copy
    written without them, say) and its marks are read apart: still served while nothing on it changed, never after."""
    story = room.articles[2]
    url, key = story.get_absolute_url(), page_key(host="testserver", path=story.get_absolute_url(), query={})
    client.get(url)
    in_one_round_trip([Call("set", f"{key}:marks", "purged:test:other", 600, raw=True)])
    local_copies.drop(key)
    unchanged = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        edit_title(story)
    local_copies.drop(key)

    edited = client.get(url)

    assert unchanged["X-Page-Cache"] == "hit"
    assert edited["X-Page-Cache"] == "miss" and "Corrected headline" in edited.content.decode()


def test_a_copy_found_current_is_checked_against_its_marks_again_after_any_purge(
    client, room, django_capture_on_commit_callbacks
):
    """A purge anywhere moves the last purge's key: every copy held is checked against its own marks once more, so a
    purge of something it shows is seen at once, and one of something else leaves it served."""
    story = room.articles[2]
    url = story.get_absolute_url()
    client.get(url)
    client.get(url)  # its marks found current: from now on the last purge's key alone is read
    assert client.get(url)["X-Page-Cache"] == "hit"

    cache_entries.purge("test:nothing-on-the-page")
    unrelated = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        edit_title(story)
    edited = client.get(url)

    assert unrelated["X-Page-Cache"] == "hit"
    assert edited["X-Page-Cache"] == "miss" and "Corrected headline" in edited.content.decode()


def test_a_process_holding_an_outdated_copy_serves_the_one_rendered_elsewhere(
    client, room, django_assert_num_queries, django_capture_on_commit_callbacks
):
    article = room.articles[2]
    url = article.get_absolute_url()
    key = page_key(host="testserver", path=url, query={})
    client.get(url)
    outdated = local_copies.get(key)
    with django_capture_on_commit_callbacks(execute=True):
        edit_title(article)  # purged everywhere: the next request anywhere renders the page again
    assert client.get(url)["X-Page-Cache"] == "miss"
    local_copies.put(key, outdated)  # as held by a process that did not render it again

    with django_assert_num_queries(0):
        served = client.get(url)

    assert served["X-Page-Cache"] == "hit" and "Corrected headline" in served.content.decode()
    assert b"Corrected headline" in local_copies.get(key)["content"]  # this process holds the new copy now


def test_each_process_keeps_its_newest_copies_within_its_byte_budget():
    copies = LocalCopies(max_bytes=100)
    for name in ("a", "b", "c"):
        copies.put(name, {"content": b"x" * 40})
    copies.get("b")  # read: kept before c
    copies.put("d", {"content": b"x" * 40})
    copies.put("huge", {"content": b"x" * 101})

    assert [name for name in "abcd" if copies.get(name)] == ["b", "d"]
    assert copies.get("huge") is None


def test_one_class_keeps_every_per_process_copy():
    """The gzipped copies were a second byte-bounded LRU of their own (`CompressedCopies`)."""
    from newsroom.compression import compressed_copies
    from newsroom.fragments import block_copies, stitched_copies

    assert all(
        type(copies) is LocalCopies for copies in (local_copies, compressed_copies, stitched_copies, block_copies)
    )


def test_an_address_is_resolved_once_per_process_not_on_every_request(client, room, monkeypatch):
    from articles import page_cache

    resolved = []
    resolve = page_cache.resolve
    monkeypatch.setattr(page_cache, "resolve", lambda *args: resolved.append(args[0]) or resolve(*args))
    page_cache._parameters_of.cache_clear()
    url = room.articles[1].get_absolute_url()

    served = [client.get(url)["X-Page-Cache"] for _ in range(3)] + [client.get(url + "?utm_source=x")["X-Page-Cache"]]

    assert served == ["miss", "hit", "hit", "hit"] and resolved == [url]
    assert page_cache._parameters_of.cache_info().maxsize == page_cache.VIEW_PARAMETERS_REMEMBERED


def test_repeated_requests_with_a_validator_get_304(client, room):
    url = room.articles[2].get_absolute_url()
    first = client.get(url)

    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    changed = client.get(url, HTTP_IF_NONE_MATCH='"something-else"')

    assert (by_etag.status_code, by_date.status_code, changed.status_code) == (304, 304, 200)
    assert by_etag.content == b"" and by_etag["ETag"] == first["ETag"]


def test_query_parameters_a_page_does_not_read_share_its_copy(client, room):
    client.get("/search/?q=story")
    tracked = client.get("/search/?utm_source=newsletter&q=story&fbclid=x")
    other_search = client.get("/search/?q=topic-3")

    assert tracked["X-Page-Cache"] == "hit"
    assert other_search["X-Page-Cache"] == "miss" and other_search.context["query"] == "topic-3"


def test_signed_in_readers_and_flash_messages_bypass_the_cache(client, room):
    url = room.articles[2].get_absolute_url()
    client.get(url)
    editor = Client()
    editor.force_login(get_user_model().objects.create_user("ana", password="x" * 12))

    personal = editor.get(url)
    after_vote = Client().post(f"/news/{room.articles[2].pk}/vote/", HTTP_SEC_FETCH_SITE="same-origin", follow=True)

    assert "X-Page-Cache" not in personal and "csrfmiddlewaretoken" in personal.content.decode()
    assert "X-Page-Cache" not in after_vote and "Thanks — your vote is counted." in after_vote.content.decode()


def edit_title(article: Article) -> None:
    article.title = "Corrected headline"
    publishing.article_update(article=article)


def unpublish(article: Article) -> None:
    publishing.article_unpublish(article=article)


def retag(article: Article) -> None:
    article.tags.set(["corrections"])


def rename_section(article: Article) -> None:
    section = Section.objects.get(pk=article.section_id)
    section.name = "Renamed section"
    section.save()


def rename_tag(article: Article) -> None:
    tag = article.tags.get(name="topic-0")
    tag.name = "Harbour works"
    tag.save()


def rename_site(article: Article) -> None:
    site = Site.objects.get_current()
    site.name = "The Daily Harbour"
    site.save()


def delete(article: Article) -> None:
    article.delete()


@pytest.mark.parametrize("edit", [edit_title, unpublish, retag, rename_tag, rename_section, rename_site, delete])
@pytest.mark.parametrize("url", ["article", "/", "/latest/", "/feed/", "/section/world/", "/tag/topic-0/"])
def test_every_kind_of_edit_shows_at_once_on_every_page(client, room, edit, url, django_capture_on_commit_callbacks):
    article = room.articles[0]  # in World, tagged topic-0: on every page above
    url = article.get_absolute_url() if url == "article" else url
    before = client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        edit(article)
    after = client.get(url)

    shows_no_tags = url in ("/", "/latest/", "/section/world/")
    if edit is rename_tag and shows_no_tags:
        assert after["X-Page-Cache"] == "hit"  # nothing on it changed: kept
        return
    assert after.status_code != 200 or after["X-Page-Cache"] == "miss"
    shows_no_site_name = url == "/feed/"
    if not ((edit is retag and shows_no_tags) or (edit is rename_site and shows_no_site_name)):
        assert after.content != before.content


def story_part_shows(page: Article, shown: Article) -> bool:
    """Whether the kept story part of `page` (its copy without the shared blocks) shows `shown`: in its Related
    candidates, say (which Ranking may hide on the page)."""
    entry = local_copies.get(page_key(host="testserver", path=page.get_absolute_url(), query={}))
    return shows_article(shown.pk) in entry["versions"]


def test_an_edit_keeps_the_cached_pages_that_do_not_show_the_article(client, room, django_capture_on_commit_callbacks):
    """Only the story parts showing the article are rendered again; a page showing it only in a shared block (it
    is in the Ranking here, so on every page) keeps its story part and is stitched with the block built anew."""
    add_stories(room, count=30)  # Related (10) and the blocks (16) no longer show every other story
    edited = room.articles[0]
    record_votes(edited, 40, prefix="fan")  # top of the Ranking
    cache.clear()
    elsewhere = [a for a in room.articles if a.pk != edited.pk]
    for article in elsewhere:
        client.get(article.get_absolute_url())
    client.get("/")
    showing = {
        a.pk for a in elsewhere if edited.get_absolute_url() in client.get(a.get_absolute_url()).content.decode()
    }
    in_story = {a.pk for a in elsewhere if story_part_shows(a, edited)}

    with django_capture_on_commit_callbacks(execute=True):
        edit_title(edited)

    after = {a.pk: client.get(a.get_absolute_url()) for a in elsewhere}
    assert {pk for pk, page in after.items() if page["X-Page-Cache"] == "miss"} == in_story
    assert showing == {a.pk for a in elsewhere}  # in the Ranking: on every page
    assert all("Corrected headline" in page.content.decode() for page in after.values())
    assert len(in_story) < len(elsewhere)  # some story parts kept: the purge is not "everything"
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_a_scheduled_article_appears_on_the_cached_front_page_at_its_time(client, room):
    publishing.article_schedule(
        article=Article(title="Embargo lifts", slug="embargo", body="<p>x</p>", section=room.world),
        at=timezone.now() + timedelta(minutes=10),
    )
    assert "Embargo lifts" not in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        home = client.get("/")

    assert home["X-Page-Cache"] == "miss" and "Embargo lifts" in home.content.decode()


def test_tag_author_and_latest_pages_are_kept_until_they_change_and_pages_with_ranking_expire(
    client, room, settings, django_capture_on_commit_callbacks
):
    """Tag, author and latest pages show nothing that changes without a purge (`kept_until_changed`): kept past
    `NEWSROOM_PAGE_CACHE_SECONDS`, still purged at once. The front page and a section's, which embed Ranking, expire."""
    user = get_user_model().objects.create_user("writer", password="x" * 12)
    author = Author.objects.create(user=user, name="Test Writer", slug="test-writer")
    Article.objects.filter(pk=room.articles[1].pk).update(author=user)
    kept, expiring = ["/tag/topic-0/", "/latest/", author.get_absolute_url()], ["/", "/section/world/"]
    for url in kept + expiring:
        assert client.get(url)["X-Page-Cache"] == "miss", url

    later = timezone.now() + timedelta(seconds=settings.NEWSROOM_PAGE_CACHE_SECONDS + 60)
    with time_machine.travel(later):
        assert [client.get(url)["X-Page-Cache"] for url in kept] == ["hit", "hit", "hit"]
        assert [client.get(url)["X-Page-Cache"] for url in expiring] == ["miss", "miss"]

        story = Article.objects.published().filter(tags__name="topic-0").order_by("-published_at").first()
        with django_capture_on_commit_callbacks(execute=True):
            story.title = "A headline fixed on a kept page"
            story.save()
        tag_page = client.get("/tag/topic-0/")
        assert tag_page["X-Page-Cache"] == "miss" and "A headline fixed on a kept page" in tag_page.content.decode()
        assert client.get(author.get_absolute_url())["X-Page-Cache"] == "hit"  # the story is not the author's

        with django_capture_on_commit_callbacks(execute=True):
            joining = publishing.article_publish(
                article=Article(title="Joins the tag", slug="joins-the-tag", body="<p>x</p>", section=room.world)
            )
            joining.tags.add("topic-0")
        assert "Joins the tag" in client.get("/tag/topic-0/").content.decode()

    # A scheduled story on the tag appears at its time, on a copy kept for days.
    with time_machine.travel(room.scheduled.published_at - timedelta(minutes=1)):
        client.get("/tag/topic-0/")
        assert client.get("/tag/topic-0/")["X-Page-Cache"] == "hit"
    with time_machine.travel(room.scheduled.published_at + timedelta(minutes=1)):
        tag_page = client.get("/tag/topic-0/")
    assert tag_page["X-Page-Cache"] == "miss" and "Future story" in tag_page.content.decode()


def story_part(response) -> str:
    """The story as the page shows it (the shared blocks around it have lifetimes of their own)."""
    html = response.content.decode()
    return html[html.index("<article") : html.index("</article>")]


def test_an_expired_page_is_rendered_by_one_request_while_others_get_the_old_copy(client, room, settings):
    """Its lifetime ran out and nothing on it changed: served `stale` while one request renders it (a purged copy
    never is: tests/test_page_cache_edges.py)."""
    url = room.articles[0].get_absolute_url()
    first = client.get(url)
    key = page_key(scheme="http", host="testserver", path=url, query={})

    # An article's story part is kept a safety net of days (its blocks are stitched in: their own lifetimes).
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.NEWSROOM_FRAGMENT_SECONDS + 1)):
        assert rebuild_lock(key)  # another request is rendering it again right now
        meanwhile = client.get(url)
        rebuild_done(key)
        after = client.get(url)
        again = client.get(url)

    assert meanwhile["X-Page-Cache"] == "stale" and story_part(meanwhile) == story_part(first)
    assert after["X-Page-Cache"] == "miss" and again["X-Page-Cache"] == "hit"


def test_a_stale_shared_block_is_rebuilt_by_one_request_only():
    builds = []

    def build():
        builds.append(1)
        return len(builds)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert get_or_build("test:block", build, 60) == 1
        clock.shift(61)
        assert rebuild_lock("test:block")  # another request is rebuilding it
        assert get_or_build("test:block", build, 60) == 1  # served the previous copy, built nothing
        rebuild_done("test:block")
        assert get_or_build("test:block", build, 60) == 2
        assert get_or_build("test:block", build, 60) == 2
    assert len(builds) == 2


def round_trips(cache_calls) -> list[str]:
    """From now on, the cache calls a request makes and its pipelines, each named as what it is for."""
    pipelines = [(module, "in_one_round_trip", "one round trip") for module in (page_cache, cache_entries)]
    return cache_calls(
        "get", "get_many", "set", "add", "delete", "set_many",
        also=(*pipelines, (cache_entries, "start_and_read", "marks"), (page_cache, "copy_else_lock", "lookup or lock")),
    )  # fmt: skip


def test_a_first_view_reads_its_cached_entries_together(client, room, cache_calls):
    """The section tree and Related's candidates: one `get_many`, not one round trip each; the purge marks of what
    the story shows are started and read with those of the blocks this process holds for it (one round trip); the
    copy, Related's candidates and the lock's release are written together (one more)."""
    first, second = room.articles[2], room.articles[6]  # both in Business: the blocks are warm for the second
    client.get(first.get_absolute_url())
    calls = round_trips(cache_calls)

    assert client.get(second.get_absolute_url())["X-Page-Cache"] == "miss"

    # The page lookup with its render lock (taken in the same round trip, as nobody holds the page); the prefetch;
    # the marks; the copy written. Four round trips to Redis, where there were ten.
    assert calls == ["lookup or lock", "get_many", "marks", "one round trip"]


def test_a_story_whose_related_went_stale_is_rendered_again_in_the_same_four_round_trips(client, room, cache_calls):
    """Related's candidates older than their lifetime (a story edited a while after its last render): the render
    builds them again under the page's own rebuild lock, with no lock of theirs (an `add` and a `delete` more)."""
    story = room.articles[2]
    client.get(story.get_absolute_url())
    client.get(room.articles[6].get_absolute_url())  # the blocks warm
    candidates = candidates_key(
        article_id=story.pk, tag_ids=[t.pk for t in story.tags.all()], limit=RELATED_LIMIT + RANKING_LIMIT
    )
    value, _ = cache.get(candidates)
    cache.set(candidates, (value, time.time() - 1), 600)  # stale
    drop_copy(page_key(host="testserver", path=story.get_absolute_url(), query={}))
    calls = round_trips(cache_calls)

    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "miss"

    assert calls == ["lookup or lock", "get_many", "marks", "one round trip"]
    assert cache.get(candidates)[1] > time.time()  # built again, written with the page's copy


def test_editing_a_library_image_purges_the_pages_that_show_it_and_only_those(
    client, room, django_capture_on_commit_callbacks
):
    add_stories(room, count=30)  # Related (10) and the blocks (16) no longer show every other story
    hero = library_image(alt="Harbour wall at dusk")
    shown = room.articles[0]
    shown.hero = hero
    publishing.article_update(article=shown)
    client.get(shown.get_absolute_url())
    elsewhere = [
        a
        for a in room.articles[1:]
        if shown.get_absolute_url() not in client.get(a.get_absolute_url()).content.decode()
        and not story_part_shows(a, shown)
    ]
    assert elsewhere and client.get(shown.get_absolute_url())["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        hero.alt = "The harbour wall, rebuilt"
        image_update(image=hero)

    page = client.get(shown.get_absolute_url())
    assert page["X-Page-Cache"] == "miss" and "The harbour wall, rebuilt" in page.content.decode()
    assert {client.get(a.get_absolute_url())["X-Page-Cache"] for a in elsewhere} == {"hit"}


def test_the_home_pages_total_is_counted_when_a_story_changes_not_on_every_render(
    client, room, django_capture_on_commit_callbacks
):
    """The total counts the whole archive (18 ms at 100,000 articles): home rendered again with nothing
    changed reads it from the cache; a story unpublished is out of the total at once."""
    total = Article.objects.published().count()
    assert f"total {total}" in client.get("/").content.decode()
    drop_copy(page_key(scheme="http", host="testserver", path="/", query={}))

    with CaptureQueriesContext(connection) as rendered_again:
        again = client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        publishing.article_unpublish(article=room.articles[3])
    after = client.get("/").content.decode()

    assert again["X-Page-Cache"] == "miss" and f"total {total}" in again.content.decode()
    assert not [q for q in rendered_again.captured_queries if "COUNT(" in q["sql"]]
    assert f"total {total - 1}" in after


def test_editing_a_draft_keeps_the_lists_cached(client, room, django_capture_on_commit_callbacks):
    """Only a story on the lists (published, or being unpublished) purges them: editing a story taken back to
    draft does not, though it keeps its old publish time."""
    story = room.articles[5]
    with django_capture_on_commit_callbacks(execute=True):
        publishing.article_unpublish(article=story)
    assert client.get("/")["X-Page-Cache"] == "miss"
    story.title = "Second take"

    with django_capture_on_commit_callbacks(execute=True):
        publishing.article_update(article=story)

    assert story.published_at is not None
    assert client.get("/")["X-Page-Cache"] == "hit"
