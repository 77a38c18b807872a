"""The page cache's own edges (issue 20, items 10-13), with real requests racing on threads: a scheduled story
going live re-renders only the lists it joins; once a reader has seen a change nobody gets the copy from
before it; a purged copy is never served, not even "stale"; parameters a view does not read share its copy."""

import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.cache import cache, caches
from django.db import connections
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from articles import page_cache, publishing, views
from articles.desk.trash import article_trash
from articles.models import Article
from newsroom.cache import page_key
from newsroom.cache_backend import FailSafeRedisCache
from newsroom.cache_entries import rebuild_lock
from newsroom.round_trips import (
    Call,
    get_else_add_reading,
    in_one_round_trip,
    names_value,
    start_and_read,
)
from tests.builders import build_newsroom
from tests.test_purging import READER_PAGES, SHOWS_NO_ARTICLE

racing = pytest.mark.django_db(transaction=True)  # the threads' own connections see what the test wrote


@pytest.fixture
def room(db):
    return build_newsroom(count=12)


class Gates:
    """Holds renders of the article page inside the view (after the cache lookup, before the database is read):
    `hold()` makes the next render wait until `release()`; `entered` is set once that render is waiting."""

    def __init__(self, monkeypatch):
        self.pending: list[tuple[threading.Event, threading.Event]] = []
        self.lock = threading.Lock()
        render = views._article_by_slug

        def gated(*args, **kwargs):
            with self.lock:
                gate = self.pending.pop(0) if self.pending else None
            if gate is not None:
                gate[0].set()
                assert gate[1].wait(10), "a held render was never released"
            return render(*args, **kwargs)

        monkeypatch.setattr(views, "_article_by_slug", gated)

    def hold(self) -> tuple[threading.Event, threading.Event]:
        gate = (threading.Event(), threading.Event())  # entered, released
        with self.lock:
            self.pending.append(gate)
        return gate


def request_on_a_thread(url: str, responses: dict, name: str) -> threading.Thread:
    def get() -> None:
        try:
            responses[name] = Client().get(url)
        finally:
            connections.close_all()

    thread = threading.Thread(target=get)
    thread.start()
    return thread


# --- 13: only the parameters a view reads make a page of their own -----------------------------------------


def test_parameters_a_view_does_not_read_are_served_its_one_copy(client, room):
    """`/?q=<random>` was a render and a copy of its own, every time (about 50 times a hit's cost)."""
    home = client.get("/")
    for junk in ("?q=anything", "?q=something-else&page=7", "?page=2", "?utm_source=newsletter"):
        served = client.get(f"/{junk}")
        assert served["X-Page-Cache"] == "hit" and served.content == home.content
    client.get("/news/story-02/")
    assert client.get("/news/story-02/?q=x&page=3")["X-Page-Cache"] == "hit"

    second = client.get("/latest/?page=2")
    assert client.get("/latest/?q=x&page=2")["X-Page-Cache"] == "hit"
    assert client.get("/latest/")["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "miss"
    assert client.get("/search/?q=story&page=1")["X-Page-Cache"] == "miss"
    assert client.get("/search/?page=1&q=story&ref=x")["X-Page-Cache"] == "hit"
    assert client.get("/search/?q=other&page=1")["X-Page-Cache"] == "miss"


def test_a_parameter_value_cannot_pass_for_another_parameter(client, room):
    client.get("/search/?q=story&page=2")
    tricked = client.get("/search/", {"q": "story&page=2"})
    assert tricked["X-Page-Cache"] == "miss" and tricked.context["query"] == "story&page=2"


@pytest.mark.parametrize("name", sorted({*READER_PAGES, *SHOWS_NO_ARTICLE}))
def test_every_cached_reader_page_declares_the_query_parameters_it_reads(name):
    url = {**READER_PAGES, "robots": "/robots.txt"}[name]
    view = resolve(urlsplit(url).path).func
    assert hasattr(view, "page_parameters"), f"{name}: decorate its view with newsroom.cache.page_parameters"
    search = ("from", "page", "q", "section", "sort", "to")  # the words, its filters and order (issue 22)
    expected = {"articles:search": search, "sitemap": ("p",)}
    paginated = {"articles:latest", "articles:section", "articles:tag", "articles:author"}
    assert view.page_parameters == expected.get(name, ("page",) if name in paginated else ())


# --- 12: a purged copy is never served, not even "stale" ----------------------------------------------------


@racing
def test_a_trashed_story_is_not_served_while_another_request_rebuilds_its_page(room, monkeypatch):
    """A story trashed while a request renders its page held up (a table lock): the reader who comes meanwhile
    waits for that render (a 404), never the copy from before the trash (200 `stale`)."""
    story = room.articles[0]
    url = story.get_absolute_url()
    assert Client().get(url)["X-Page-Cache"] == "miss"
    article_trash(article=story)  # committed: its page is purged
    gates, responses = Gates(monkeypatch), {}
    entered, released = gates.hold()
    rebuilding = request_on_a_thread(url, responses, "rebuilding")
    assert entered.wait(10)

    meanwhile = request_on_a_thread(url, responses, "meanwhile")
    meanwhile.join(0.3)
    released.set()
    rebuilding.join(10)
    meanwhile.join(10)

    assert responses["rebuilding"].status_code == 404
    assert responses["meanwhile"].status_code == 404, responses["meanwhile"].get("X-Page-Cache")


def test_a_purged_copy_is_not_served_when_the_rebuild_never_finishes(
    client, room, monkeypatch, django_capture_on_commit_callbacks
):
    """The request rendering it died holding the lock: the others wait a moment, then render it themselves."""
    monkeypatch.setattr(page_cache, "REBUILD_WAIT_SECONDS", 0.2)
    story = room.articles[0]
    url = story.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        article_trash(article=story)
    assert rebuild_lock(page_key(host="testserver", path=url, query={}))  # held, never released

    started = time.monotonic()
    served = client.get(url)

    assert served.status_code == 404 and time.monotonic() - started >= 0.2


# --- 11: once a reader has seen the new page, nobody gets the old one ---------------------------------------


@racing
def test_after_an_edit_nobody_is_served_the_old_page_once_a_reader_has_seen_the_new_one(room, monkeypatch):
    """A render that began before the edit shows the new title but cannot be kept (it may hold old rows); the
    next render is held up; a reader meanwhile used to get the old copy (`stale`), after the new one was out."""
    story = room.articles[0]
    url = story.get_absolute_url()
    key = page_key(host="testserver", path=url, query={})
    assert Client().get(url)["X-Page-Cache"] == "miss"
    page_cache.local_copies.drop(key)
    entry = page_cache.cache.get(key)
    page_cache.cache.set(key, entry | {"expires": time.time() - 1}, timeout=60)  # its lifetime ran out
    gates, responses = Gates(monkeypatch), {}

    early_entered, early_released = gates.hold()
    early = request_on_a_thread(url, responses, "early")  # renders the expired copy again
    assert early_entered.wait(10)
    story.title = "Corrected headline"
    publishing.article_update(article=story)  # committed and purged while that render runs
    early_released.set()
    early.join(10)
    assert "Corrected headline" in responses["early"].content.decode()  # a reader has seen the new page

    next_entered, next_released = gates.hold()
    rebuilding = request_on_a_thread(url, responses, "rebuilding")
    assert next_entered.wait(10)
    later = request_on_a_thread(url, responses, "later")
    later.join(0.3)
    next_released.set()
    rebuilding.join(10)
    later.join(10)

    for name in ("rebuilding", "later"):
        assert "Corrected headline" in responses[name].content.decode(), (name, responses[name]["X-Page-Cache"])


# --- 10: a story going live re-renders the lists it joins, once, and no other page -------------------------


@racing
def test_a_scheduled_story_going_live_re_renders_only_the_lists_it_joins(room):
    """At the go-live, every list copy expired at once and none was kept for a while (the noted next publication
    time was past): hundreds of renders, and some readers still got lists without the story after others had
    it. Now readers racing at that moment get each list that gains the story rendered once and always with it,
    and every other page stays a hit."""
    at = timezone.now() + timedelta(seconds=40)  # within the copies' lifetime (a page with the blocks: a minute)
    story = publishing.article_schedule(
        article=Article(title="Embargo lifts", slug="embargo-lifts", body="<p>x</p>", section=room.sports), at=at
    )
    story.tags.add("topic-0")
    gaining = ["/", "/latest/", "/feed/", "/section/sports/", "/section/sports/atom/", "/tag/topic-0/", "/sitemap.xml"]
    kept = ["/section/world/", "/section/business/", "/tag/topic-5/", "/tag/topic-5/feed/", "/news/story-02/"]
    for url in gaining + kept:
        Client().get(url)
        warm = Client().get(url)
        assert warm["X-Page-Cache"] == "hit" and "embargo-lifts" not in warm.content.decode(), url

    served = defaultdict(list)
    with time_machine.travel(at + timedelta(seconds=1)):
        barrier = threading.Barrier(8)

        def reader(offset: int) -> None:
            try:
                barrier.wait()
                client = Client()
                for n in range(3 * len(gaining + kept)):
                    url = (gaining + kept)[(n + offset) % len(gaining + kept)]
                    response = client.get(url)
                    served[url].append((response["X-Page-Cache"], "embargo-lifts" in response.content.decode()))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    for url in gaining:
        states = Counter(state for state, _ in served[url])
        assert all(shows for _, shows in served[url]), url  # never a copy from before the go-live
        assert states["miss"] == 1 and set(states) <= {"miss", "hit"}, (url, states)
    for url in kept:
        assert {state for state, _ in served[url]} == {"hit"}, url


def test_a_page_nobody_holds_is_looked_up_and_locked_in_one_call():
    """`get_else_add_reading` (a page's lookup and, where it is absent, its render lock: one round trip to Redis)."""
    key = "test:get-else-add"
    assert get_else_add_reading(key, f"{key}:lock", 1, timeout=30) == (None, True, None)  # absent: this one renders it
    assert get_else_add_reading(key, f"{key}:lock", 1, timeout=30) == (None, False, None)  # another's lock: wait
    cache.set(key, {"content": b"page"}, 60)
    assert get_else_add_reading(key, f"{key}:other", 1, timeout=30) == ({"content": b"page"}, False, None)
    assert cache.get(f"{key}:other") is None  # found: no lock taken


@pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning")  # memcached's limits, not Redis'
@pytest.mark.parametrize("odd", ["", "a\nkey", "\n"])
def test_purge_marks_are_started_where_absent_and_read_back_in_one_call(odd):
    """`start_and_read` (the keys sent to Redis as one string): marks started only where absent, every key read back,
    a key with a newline in it (or empty) as well kept apart as any other."""
    cache.set("purged:test:held", 5, 60)
    cache.set("test:block", {"versions": {"x": 1}}, 60)
    marks = ["purged:test:held", "purged:test:new", f"purged:test:{odd}"]
    found = start_and_read(marks, -7, ["test:block", "test:absent"], timeout=60)
    assert found == {
        "purged:test:held": 5,
        "purged:test:new": -7,
        f"purged:test:{odd}": -7,
        "test:block": {"versions": {"x": 1}},
    }
    assert start_and_read(marks, -9, ["test:block"], timeout=60) == {**found}  # started already: not again
    assert cache.get("purged:test:new") == -7
    assert start_and_read([], -9, [], timeout=60) == {}


def test_a_page_found_is_read_with_the_keys_named_beside_it_in_one_call():
    """`get_else_add_reading` (a page kept by another process, with its purge marks and the last purge's key: one
    round trip to Redis; on another backend, nothing read with it)."""
    key = "test:found-with-names"
    cache.set(key, {"content": b"page"}, 60)
    cache.set_many({"purged:test:a": 5, "test:also": 7}, 60)
    names = names_value(["purged:test:a", "purged:test:absent"])

    unnamed = get_else_add_reading(key, f"{key}:lock", 1, timeout=30, names_key=f"{key}:names", also="test:also")
    in_one_round_trip([Call("set", f"{key}:names", names, 60, raw=True)])
    named = get_else_add_reading(key, f"{key}:lock", 1, timeout=30, names_key=f"{key}:names", also="test:also")

    assert unnamed == ({"content": b"page"}, False, None)
    if isinstance(caches["default"], FailSafeRedisCache):
        assert named == ({"content": b"page"}, False, {"test:also": 7, "purged:test:a": 5, "purged:test:absent": None})
    else:
        assert named == ({"content": b"page"}, False, None)
    assert names_value(["a\nkey"]) is None and names_value([""]) is None
    in_one_round_trip([Call("set", f"{key}:names", "purged:test:a\n\npurged:test:absent\n", 60, raw=True)])
    blank_lines = get_else_add_reading(key, f"{key}:lock", 1, timeout=30, names_key=f"{key}:names", also="test:also")
    assert blank_lines == named  # a value written otherwise: its blank lines name nothing, and nothing fails


def test_a_page_found_is_read_with_thousands_of_named_keys_in_one_call():
    """The named keys are read in runs of 1,000 (Lua unpacks a few thousand at most), each answered in its place (on
    another backend, nothing read with the page)."""
    key = "test:found-with-many-names"
    cache.set(key, {"content": b"page"}, 60)
    held = {f"purged:test:many-{n}": n for n in range(0, 9000, 2)}
    cache.set_many(held, 60)
    names = [f"purged:test:many-{n}" for n in range(9000)]  # every other one absent
    in_one_round_trip([Call("set", f"{key}:names", names_value(names), 60, raw=True)])

    found = get_else_add_reading(key, f"{key}:lock", 1, timeout=30, names_key=f"{key}:names", also="test:also")

    if isinstance(caches["default"], FailSafeRedisCache):
        assert found == ({"content": b"page"}, False, {"test:also": None, **{name: held.get(name) for name in names}})
    else:
        assert found == ({"content": b"page"}, False, None)


def test_thousands_of_purge_marks_are_started_and_read_back_in_one_call():
    """More keys than Redis's Lua unpacks at once (~8,000: read in runs of 1,000 inside the script)."""
    held = {f"purged:test:held-{n}": n for n in range(1200)}
    cache.set_many(held, 60)
    marks = [*held, *(f"purged:test:new-{n}" for n in range(8000))]

    found = start_and_read(marks, -3, ["test:absent"], timeout=60)

    assert found == {**held, **dict.fromkeys(marks[1200:], -3)}


def test_gets_sets_adds_deletes_and_lookups_are_answered_in_one_call_as_the_cache_answers_them():
    """`in_one_round_trip` (one command to Redis: a page's copy, the render's waiting writes, its lock released)."""
    cache.set("test:held", {"content": b"old"}, 60)
    calls = [
        Call("get", "test:absent"),
        Call("add", "test:held", "refused", 60),
        Call("add", "test:new", [1, "two"], 60),
        Call("set", "test:held", {"content": b"new"}, 60),
        Call("get", "test:held"),
        Call("delete", "test:new"),
        Call("delete", "test:never"),
        Call("set", "test:count", 7, 60),
        Call("exists", "test:held"),
        Call("exists", "test:new"),
    ]
    answers = [None, False, True, None, {"content": b"new"}, True, False, None, True, False]
    assert in_one_round_trip(calls) == answers
    assert cache.get("test:new") is None and cache.get("test:count") == 7
    assert in_one_round_trip([]) == []
