"""The view beacon: who counts, once per window, no row write per view, buffered flushes that never lose a view."""

import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.engagement import view_counts
from articles.engagement.models import PopularityBucket
from articles.models import Article
from newsroom.cache import VIEW_FLUSH_DUE_KEY, view_counter_key
from tests.builders import record_view

pytestmark = pytest.mark.django_db

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def beacon_url(article) -> str:
    return f"/news/{article.pk}/seen/"


def reader(n: int = 0) -> Client:
    return Client(HTTP_USER_AGENT=f"{BROWSER_UA} reader/{n}")


@pytest.fixture
def no_auto_flush():
    """Pretend a flush just ran, so beacons only buffer (what most beacons do)."""
    cache.set(VIEW_FLUSH_DUE_KEY, 1, timeout=3600)


def live(response) -> dict:
    """The beacon's counts, without the per-reader CSRF token."""
    body = response.json()
    assert len(body.pop("csrf")) == 64
    return body


def view_count(article) -> int:
    return Article.objects.values_list("view_count", flat=True).get(pk=article.pk)


def test_beacon_counts_once_per_reader_per_window_and_returns_live_counts(make_article, no_auto_flush):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(view_count=100, vote_count=7)

    client = reader(1)
    first = live(client.post(beacon_url(article)))
    again = live(client.post(beacon_url(article)))
    other = live(reader(2).post(beacon_url(article)))

    assert first == {"views": 101, "views_label": "101 views", "votes": 7, "voted": False, "counted": True}
    assert again == {"views": 101, "views_label": "101 views", "votes": 7, "voted": False, "counted": False}
    assert other["views"] == 102 and other["counted"] is True
    assert view_count(article) == 100  # still buffered: nothing written to the article row yet

    result = view_counts.view_counts_flush()

    assert (result.views, result.articles) == (2, 1)
    assert view_count(article) == 102
    assert PopularityBucket.objects.get(article=article, granularity="hour").views == 2
    assert reader(3).post(beacon_url(article)).json()["views"] == 103


# Expiry is the cache's own clock: the local-memory cache's follows time_machine (Redis keeps its own).
@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_beacon_counts_again_after_the_window(make_article, no_auto_flush, settings):
    article = make_article()
    client = reader()

    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert client.post(beacon_url(article)).json()["counted"] is True
        clock.shift(settings.NEWSROOM_VIEW_DEDUPE_SECONDS - 1)
        assert client.post(beacon_url(article)).json()["counted"] is False
        clock.shift(2)
        assert client.post(beacon_url(article)).json()["counted"] is True
        view_counts.view_counts_flush()
    assert view_count(article) == 2


def test_beacon_never_writes_to_the_database_per_view(make_article, no_auto_flush):
    article = make_article()
    client = reader()
    with CaptureQueriesContext(connection) as queries:
        assert client.post(beacon_url(article)).json()["counted"] is True
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert len(queries) <= 2


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"},
        {"HTTP_USER_AGENT": "Wget/1.21"},
        {"HTTP_USER_AGENT": BROWSER_UA, "HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_USER_AGENT": BROWSER_UA, "HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_USER_AGENT": BROWSER_UA, "HTTP_PURPOSE": "prefetch"},
        {"HTTP_USER_AGENT": BROWSER_UA, "HTTP_X_MOZ": "prefetch"},
    ],
    ids=["bingbot", "wget", "sec-purpose", "prerender", "purpose", "x-moz"],
)
def test_bots_and_prefetches_are_not_counted(make_article, headers, no_auto_flush):
    article = make_article()
    response = Client(**headers).post(beacon_url(article))
    assert response.status_code == 200 and response.json()["counted"] is False
    view_counts.view_counts_flush()
    assert view_count(article) == 0


def test_staff_are_not_counted_but_signed_in_readers_are(make_article, no_auto_flush):
    article = make_article()
    User = get_user_model()
    editor = reader(1)
    editor.force_login(User.objects.create_user("editor", password="pw-editor-123", is_staff=True))
    member = reader(2)
    member.force_login(User.objects.create_user("member", password="pw-member-123"))

    assert editor.post(beacon_url(article)).json()["counted"] is False
    assert member.post(beacon_url(article)).json()["counted"] is True
    view_counts.view_counts_flush()
    assert view_count(article) == 1


def test_staff_preview_page_sends_no_beacon(make_article, client):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(get_user_model().objects.create_superuser("e", password="pw-editor-123"))  # may preview
    response = client.get(article.get_preview_url())
    page = response.content.decode()
    assert response.status_code == 200 and article.title in page
    assert "/seen/" not in page and "votes.js" not in page


def test_article_page_carries_beacon_and_script(make_article, client):
    article = make_article()
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'data-beacon-url="/news/{article.pk}/seen/"' in page
    assert 'src="/static/js/votes.js" defer' in page


def test_beacon_reports_that_this_reader_voted(make_article, no_auto_flush):
    article = make_article()
    client = reader()
    client.post(f"/news/{article.pk}/vote/", HTTP_ACCEPT="application/json")
    assert live(client.post(beacon_url(article))) == {
        "views": 1,
        "views_label": "1 view",
        "votes": 1,
        "voted": True,
        "counted": True,
    }


def test_beacon_status_rules(make_article):
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + timezone.timedelta(hours=1))
    live = make_article()
    client = reader()
    assert client.post(beacon_url(draft)).status_code == 404
    assert client.post(beacon_url(scheduled)).status_code == 404
    assert client.post("/news/999999/seen/").json()["error"] == "This article isn't available for voting."
    got = client.get(beacon_url(live))
    assert got.status_code == 405 and "POST" in got.json()["error"]
    assert got["Cache-Control"].startswith("max-age=0")


def test_beacon_flushes_when_the_buffer_is_due(make_article):
    article = make_article()
    response = reader().post(beacon_url(article)).json()
    # No flush has run yet, so this beacon ran one: the view is already in the database.
    assert view_count(article) == 1 and response["views"] == 1
    reader(2).post(beacon_url(article))
    assert view_count(article) == 1  # the next flush waits for VIEW_FLUSH_INTERVAL_SECONDS
    out = io.StringIO()
    call_command("flush_view_counts", stdout=out)
    assert out.getvalue().strip() == "Flushed 1 view(s) for 1 article(s)."
    assert view_count(article) == 2


@pytest.mark.parametrize("hours_ago", [0, 5], ids=["this-hour", "hour-long-over"])
def test_failed_flush_keeps_every_buffered_view(make_article, monkeypatch, hours_ago):
    article = make_article()
    for _ in range(5):
        record_view(article, now=timezone.now() - timezone.timedelta(hours=hours_ago))

    def broken(rows):
        raise RuntimeError("database went away")

    real = view_counts.buckets_add
    monkeypatch.setattr(view_counts, "buckets_add", broken)
    with pytest.raises(RuntimeError):
        view_counts.view_counts_flush()
    assert view_count(article) == 0  # the article update rolled back with the failed bucket write
    record_view(article)  # traffic continues meanwhile
    monkeypatch.setattr(view_counts, "buckets_add", real)

    result = view_counts.view_counts_flush()

    assert result.views == 6 and view_count(article) == 6
    assert view_counts.view_counts_flush().views == 0  # nothing counted twice


def test_failed_flush_inside_beacon_is_not_a_500(make_article, monkeypatch):
    article = make_article()
    monkeypatch.setattr(view_counts, "buckets_add", lambda rows: 1 / 0)
    response = reader().post(beacon_url(article))
    assert response.status_code == 200 and response.json()["views"] == 1  # still buffered, still shown


def test_flush_spreads_views_over_their_hours(make_article):
    article = make_article()
    now = timezone.now()
    for hours_ago, views in [(0, 3), (5, 2), (30, 1)]:
        for _ in range(views):
            record_view(article, now=now - timezone.timedelta(hours=hours_ago))

    view_counts.view_counts_flush(now=now)

    buckets = {b.period_start: b.views for b in PopularityBucket.objects.filter(article=article, granularity="hour")}
    assert buckets == {
        PopularityBucket.hour_of(now): 3,
        PopularityBucket.hour_of(now - timezone.timedelta(hours=5)): 2,
        PopularityBucket.hour_of(now - timezone.timedelta(hours=30)): 1,
    }
    assert view_count(article) == 6


def test_flush_drops_views_of_deleted_articles(make_article):
    kept, gone = make_article(), make_article()
    record_view(kept)
    record_view(gone)
    gone.delete()
    assert view_counts.view_counts_flush().views == 1
    assert view_count(kept) == 1


def test_two_flushes_reading_the_same_buffer_take_it_once(make_article):
    """The claim step, with the interleaving a race produces: both flushes read 5 before either takes it."""
    article = make_article()
    for _ in range(5):
        record_view(article)
    counter = (int(timezone.now().timestamp()) // 3600, article.pk)

    first = view_counts._claim(counter, 5)
    record_view(article)  # a view lands between the two flushes
    second = view_counts._claim(counter, 5)  # stale read: only the one new view is there to take

    assert (first, second) == (5, 1)
    assert cache.get(view_counter_key(*counter)) == 0


def test_beacon_hands_a_reader_of_a_shared_page_a_working_csrf_token(make_article):
    article = make_article()
    shared_html = Client().get(article.get_absolute_url()).content.decode()  # the copy every reader gets
    newcomer = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER_UA)

    token = newcomer.post(beacon_url(article)).json()["csrf"]
    accepted = newcomer.post(
        f"/news/{article.pk}/vote/", {"csrfmiddlewaretoken": token}, HTTP_ACCEPT="application/json"
    )

    assert "csrfmiddlewaretoken" not in shared_html
    assert accepted.status_code == 200 and accepted.json()["votes"] == 1
