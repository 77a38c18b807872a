"""Redis down is not the site down: the whole suite of reader pages, votes, views and the admin sign-in,
run against a Redis port where nothing listens (issue 11, finding 3 and "Degrade, don't fall over")."""

import logging
import time
import warnings

import pytest
import redis.utils
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.cache.backends.base import CacheKeyWarning
from django.test import Client

from articles.engagement.models import Vote
from articles.models import Article
from newsroom import cache_backend
from newsroom.cache import VIEW_FLUSH_DUE_KEY
from newsroom.cache_backend import CacheUnavailable, FailSafeRedisCache
from newsroom.cache_entries import counter_add

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:6390/0"  # nothing listens here
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
JSON = {"HTTP_ACCEPT": "application/json"}


def redis_cache_settings(location: str, **options) -> dict:
    return {
        "default": {
            "BACKEND": "newsroom.cache_backend.FailSafeRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "newsroom-redis-down-test",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5, **options},
        }
    }


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The project's cache is the fail-safe Redis backend, pointed at a closed port; no outage seen yet."""
    monkeypatch.setattr(cache_backend, "_OUTAGES", {})
    cache_backend.local_fallback().clear()
    settings.CACHES = redis_cache_settings(CLOSED_PORT)
    assert isinstance(caches["default"], FailSafeRedisCache)
    yield
    cache_backend.local_fallback().clear()


@pytest.fixture
def story(make_article):
    article = make_article(title=TITLE, slug=SLUG)
    article.tags.add("harbour")
    return article


def reader(n: int = 0) -> Client:
    return Client(HTTP_USER_AGENT=f"{BROWSER_UA} reader/{n}")


TITLE, SLUG = "Harbour wall holds", "harbour-wall-holds"
READER_PAGES = [
    ("/", TITLE),
    (f"/news/{SLUG}/", TITLE),
    ("/latest/", TITLE),
    ("/most-read/", "Most read"),
    ("/section/world/", TITLE),
    ("/search/?q=harbour", TITLE),
    ("/tag/harbour/", TITLE),
    ("/sitemap.xml", f"/news/{SLUG}/"),
    ("/news-sitemap.xml", TITLE),
    ("/feed/", TITLE),
    ("/atom/", TITLE),
    ("/section/world/feed/", TITLE),
    ("/tag/harbour/feed/", TITLE),
    ("/robots.txt", "Sitemap:"),
]


@pytest.fixture
def never_waits(monkeypatch):
    """A page that waits at all fails: with Redis down there is no lock another request holds and no copy it
    could store, so waiting for one (2.5 s per block) would only make every page slow."""

    def sleep(seconds):
        raise AssertionError(f"waited {seconds} s for a copy no one can store")

    monkeypatch.setattr(time, "sleep", sleep)


@pytest.mark.parametrize(("url", "shows"), READER_PAGES)
def test_every_reader_page_renders_from_the_database(redis_down, story, never_waits, url, shows):
    first = reader().get(url)
    again = reader().get(url)  # nothing was kept: rendered from the database again

    assert first.status_code == again.status_code == 200
    assert shows in first.content.decode() and shows in again.content.decode()
    assert again.get("X-Page-Cache") in (None, "miss")


def test_votes_count_exactly(redis_down, story):
    first, second = reader(1), reader(2)

    answers = [first.post(f"/news/{story.pk}/vote/", **JSON) for _ in range(3)]
    answers.append(second.post(f"/news/{story.pk}/vote/", **JSON))
    withdrawn = second.post(f"/news/{story.pk}/vote/", {"action": "undo"}, **JSON)
    no_js = reader(3).post(f"/news/{story.pk}/vote/")

    assert [a.json() for a in answers] == [
        {"votes": 1, "voted": True, "changed": True},
        {"votes": 1, "voted": True, "changed": False},
        {"votes": 1, "voted": True, "changed": False},
        {"votes": 2, "voted": True, "changed": True},
    ]
    assert withdrawn.json() == {"votes": 1, "voted": False, "changed": True}
    assert no_js.status_code == 303
    story.refresh_from_db()
    assert story.vote_count == Vote.objects.filter(article=story).count() == 2


def test_the_vote_rate_limit_still_holds_per_process(redis_down, story, settings):
    """Counters fall back to this process's memory: a limit holds per worker rather than not at all."""
    settings.NEWSROOM_VOTE_RATE_LIMIT = 2
    client = reader()
    statuses = [client.post(f"/news/{story.pk}/vote/", **JSON).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_a_view_goes_straight_into_the_database_once_per_reader(redis_down, story):
    counted = reader(1).post(f"/news/{story.pk}/seen/").json()
    repeat = reader(1).post(f"/news/{story.pk}/seen/").json()
    other = reader(2).post(f"/news/{story.pk}/seen/").json()

    assert (counted["counted"], repeat["counted"], other["counted"]) == (True, False, True)
    assert (counted["views"], repeat["views"], other["views"]) == (1, 1, 2)  # the reader's own view included
    assert Article.objects.values_list("view_count", flat=True).get(pk=story.pk) == 2
    assert story.popularity_buckets.get().views == 2


def test_an_editor_can_sign_in_to_the_admin(redis_down, client):
    User.objects.create_user("eddie", password="right-password-123", is_staff=True, is_superuser=True)

    wrong = client.post("/admin/login/", {"username": "eddie", "password": "wrong"})
    signed_in = client.post("/admin/login/", {"username": "eddie", "password": "right-password-123", "next": "/admin/"})

    assert wrong.status_code == 200 and "correct username and password" in wrong.content.decode()
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/articles/article/").status_code == 200


def test_the_outage_is_logged_once_not_per_request(redis_down, story, caplog):
    for url in ["/", "/latest/", story.get_absolute_url(), "/tag/harbour/"]:
        assert reader().get(url).status_code == 200
    reader().post(f"/news/{story.pk}/seen/")

    records = [r for when in ("setup", "call") for r in caplog.get_records(when) if r.name == "newsroom.cache_backend"]
    assert [(r.levelname, r.getMessage().split(" (")[0]) for r in records] == [
        ("ERROR", f"Cache {CLOSED_PORT} unreachable")
    ]


def test_the_return_of_the_cache_is_logged_once(settings, monkeypatch, caplog):
    monkeypatch.setattr(cache_backend, "_OUTAGES", {})
    backend = FailSafeRedisCache(CLOSED_PORT, {"OPTIONS": {"down_retry_seconds": 0}})
    with caplog.at_level(logging.WARNING, logger="newsroom.cache_backend"):
        assert backend.get("key", "missed") == "missed"
        assert backend.get("key", "missed") == "missed"

        class Answering:
            def get(self, key):
                return None

        monkeypatch.setattr(backend._cache, "get_client", lambda key=None, write=False: Answering())
        assert backend.get("key", "back") == "back"
        assert backend.get("key", "back") == "back"
        assert not backend.outage.down

    assert [r.levelname for r in caplog.records] == ["ERROR", "WARNING"]
    assert caplog.records[1].getMessage() == f"Cache {CLOSED_PORT} is back: pages and counters use it again."


def test_a_dead_redis_is_a_miss_that_costs_milliseconds(monkeypatch):
    monkeypatch.setattr(cache_backend, "_OUTAGES", {})
    backend = FailSafeRedisCache(CLOSED_PORT, {"OPTIONS": {"socket_connect_timeout": 0.25}})

    started = time.monotonic()
    assert backend.get("a", "default") == "default"
    assert backend.add("a", 1) is False
    assert backend.get_many(["a", "b"]) == {}
    backend.set("a", 1)
    backend.set_many({"a": 1, "b": 2})
    assert backend.delete("a") is False
    with pytest.raises(CacheUnavailable):
        backend.incr("a")
    with pytest.raises(CacheUnavailable):
        backend.decr("a")
    pipeline = backend._cache.get_client(write=True).pipeline()
    pipeline.set("a", 1, nx=True).set("b", 2, nx=True)
    assert pipeline.execute() == [None, None]
    for _ in range(500):
        backend.get("a")
    assert time.monotonic() - started < 1  # one refused connection, then no network at all


def test_counters_fall_back_to_process_memory_or_refuse_when_asked(redis_down):
    assert [counter_add("c", timeout=60).value for _ in range(3)] == [1, 2, 3]
    with pytest.raises(CacheUnavailable):
        counter_add("c", timeout=60, shared_only=True)


def test_the_backend_reuses_one_client_per_pool():
    backend = FailSafeRedisCache(CLOSED_PORT, {})
    assert backend._cache.get_client() is backend._cache.get_client(write=True)


def test_the_backend_skips_memcacheds_key_check_and_parses_replies_with_hiredis():
    """The two costs of a page-cache hit's `get_many` of purge marks (docs/benchmark.md): Django's memcached
    key check loops over every character of every key, and redis-py's own reply parser is pure Python."""
    backend = FailSafeRedisCache(CLOSED_PORT, {})
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)  # a memcached check would warn: space, over 250 chars
        key = backend.make_and_validate_key("purged:a key memcached refuses " + "x" * 300)
    assert key.endswith("x" * 300)
    assert redis.utils.HIREDIS_AVAILABLE


@pytest.mark.parametrize("options", [{}, {"KEY_PREFIX": "site-a", "VERSION": 3}])
def test_the_backends_get_many_reads_the_keys_djangos_would(options, monkeypatch):
    """`get_many` makes its keys by one string join, where Django's key function would make the same ones."""
    backend = FailSafeRedisCache(CLOSED_PORT, options)
    asked = []

    def get_many(keys):
        asked.extend(keys)
        return {key: key for key in keys}  # each key's value: the key Redis was asked for

    monkeypatch.setattr(backend._cache, "get_many", get_many)
    keys = ["purged:article:1", "purged:tag:2", "a key with spaces"]

    found = backend.get_many(keys)
    found_v2 = backend.get_many(keys[:1], version=2)

    assert asked == [*(backend.make_key(k) for k in keys), backend.make_key(keys[0], version=2)]
    assert found == {k: backend.make_key(k) for k in keys} and list(found_v2) == keys[:1]


def test_a_cache_restart_loses_at_most_the_views_since_the_last_flush(story):
    """Redis here keeps nothing on disk: what a restart can lose is bounded by the flush interval
    (docs/operations.md). Flushed views are in the database; only those buffered since are gone."""
    beacon = f"/news/{story.pk}/seen/"
    reader(1).post(beacon)  # no flush ran yet: this beacon flushes
    reader(2).post(beacon)  # buffered: the next flush is due in NEWSROOM_VIEW_FLUSH_INTERVAL_SECONDS
    caches["default"].delete(VIEW_FLUSH_DUE_KEY)  # the interval passes (Redis keeps its own clock)
    reader(3).post(beacon)  # this beacon flushes its view and reader 2's
    reader(4).post(beacon)  # buffered
    caches["default"].clear()  # Redis restarts empty

    assert Article.objects.values_list("view_count", flat=True).get(pk=story.pk) == 3
