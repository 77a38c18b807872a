"""Issue 20, items 1-3: the edge cache we ship tells the truth.

Before: deploy/nginx.conf cached pages by s-maxage and stale-while-revalidate and nothing purged it (a headline fix
showed after 302 s, a trashed story was served "STALE" for 17 minutes, an old ETag got a 304); proxy_cache_lock
made /healthz wait up to 5 s under 32 connections; and its cache key ignored the Host.

Now: Varnish (deploy/varnish.vcl, with xkey) in front of two granian app servers on free 127.0.0.1 ports, sharing
the test database and a Redis with this process, which edits through the publishing services and purges the edge
by tag (newsroom/edge.py); and the CDN adapters' requests, against a stub server on 127.0.0.1.
"""

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.desk.trash import article_trash
from articles.models import Article
from articles.publishing import article_schedule, article_unpublish, article_update
from newsroom import edge
from tests.test_slow_body import database_url, free_port, granian_env
from tests.topology.edge_server import HOST, fetch, p50, p99, probe_waits, start_varnish

pytestmark = pytest.mark.edge

ROOT = Path(__file__).resolve().parents[1]


# --- the app's side: tags on pages, purges through each adapter ------------------------------------------------


class StubEdge(ThreadingHTTPServer):
    """An edge's purge API on 127.0.0.1: records every request it gets."""

    def __init__(self):
        self.received: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def _answer(handler):
                length = int(handler.headers.get("Content-Length") or 0)
                body = handler.rfile.read(length) if length else b""
                self.received.append(
                    {"method": handler.command, "path": handler.path, "headers": handler.headers, "body": body}
                )
                handler.send_response(200)
                handler.send_header("Content-Length", "2")
                handler.end_headers()
                handler.wfile.write(b"{}")

            do_POST = do_PURGE = _answer

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def stub_edge():
    edge._pending.clear()  # purges an earlier test left for another edge
    server = StubEdge()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_public_page_names_what_it_shows_in_the_edges_header(client, make_article, settings):
    article = make_article()
    for adapter, header, separator in [("varnish", "xkey", " "), ("fastly", "Surrogate-Key", " "),
                                       ("cloudflare", "Cache-Tag", ",")]:  # fmt: skip
        settings.NEWSROOM_EDGE = adapter
        cache.clear()
        tags = client.get(article.get_absolute_url())[header].split(separator)
        assert {f"article-{article.pk}", "site"} <= set(tags), tags
        assert "site" in client.get("/")[header].split(separator)  # on every page: a site-wide purge reaches all


def test_no_edge_configured_no_header(client, make_article):
    response = client.get(make_article().get_absolute_url())
    assert response.status_code == 200 and "xkey" not in response and "Cache-Tag" not in response


def test_a_page_showing_too_much_carries_the_tag_every_purge_reaches(settings, rf):
    settings.NEWSROOM_EDGE = "fastly"
    response = http_response()
    edge.tag_response(response, {f"article:{n}" for n in range(1000)} | {"site"})
    header = response["Surrogate-Key"]
    assert len(header) <= edge.HEADER_BYTES and header.split()[-1] == edge.OVERFLOW
    assert edge.edge_tag("x" * 200).startswith("h-") and len(edge.edge_tag("x" * 200)) == 18
    assert edge.edge_tag("tag-list:7") == "tag-list-7"


def http_response():
    from django.http import HttpResponse

    return HttpResponse("page")


def test_fastly_gets_one_batch_surrogate_key_purge(settings, stub_edge, monkeypatch):
    settings.NEWSROOM_EDGE = "fastly"
    settings.NEWSROOM_EDGE_FASTLY_SERVICE_ID, settings.NEWSROOM_EDGE_FASTLY_TOKEN = "SU1Z0isxPaozGVKXdv0eY", "t0ken"
    monkeypatch.setattr(edge, "FASTLY_API", stub_edge.url)
    edge.purge_tags(["article:12", "front"])
    edge.purge_tags(["section-list:3"])
    edge.flush()
    (sent,) = stub_edge.received
    assert sent["method"] == "POST" and sent["path"] == "/service/SU1Z0isxPaozGVKXdv0eY/purge"
    assert sent["headers"]["Fastly-Key"] == "t0ken" and "Fastly-Soft-Purge" not in sent["headers"]  # a hard purge
    assert json.loads(sent["body"]) == {"surrogate_keys": ["article-12", "front", "overflow", "section-list-3"]}


def test_cloudflare_gets_one_purge_by_cache_tags(settings, stub_edge, monkeypatch):
    settings.NEWSROOM_EDGE = "cloudflare"
    settings.NEWSROOM_EDGE_CLOUDFLARE_ZONE_ID, settings.NEWSROOM_EDGE_CLOUDFLARE_TOKEN = "023e105f4ecef8ad", "cf-t0ken"
    monkeypatch.setattr(edge, "CLOUDFLARE_API", stub_edge.url + "/client/v4")
    edge.purge_tags(["article:12", "site"])
    edge.flush()
    (sent,) = stub_edge.received
    assert sent["method"] == "POST" and sent["path"] == "/client/v4/zones/023e105f4ecef8ad/purge_cache"
    assert sent["headers"]["Authorization"] == "Bearer cf-t0ken"
    assert json.loads(sent["body"]) == {"tags": ["article-12", "overflow", "site"]}


def test_a_commit_purges_every_varnish_node_once_with_all_its_tags(
    settings, stub_edge, make_article, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_EDGE = "varnish"
    settings.NEWSROOM_EDGE_VARNISH_URLS = [stub_edge.url + "/", stub_edge.url + "/"]  # two nodes
    article = make_article(tags=["alpha"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article.title = "Fixed headline"
        article.published_at -= timedelta(minutes=1)  # and moved: its lists are purged too
        article_update(article=article)
        assert edge._pending == set()  # nothing before the commit
    assert len(callbacks) > 1  # several purges after this one commit…
    deadline = time.monotonic() + 10  # the batch goes out BATCH_SECONDS after the commit, later on a loaded machine
    while len(stub_edge.received) < 2 and time.monotonic() < deadline:
        time.sleep(edge.BATCH_SECONDS)
    time.sleep(edge.BATCH_SECONDS * 4)  # and nothing more follows
    assert [sent["method"] for sent in stub_edge.received] == ["PURGE", "PURGE"]  # one request per node
    tags = set(stub_edge.received[0]["headers"]["xkey-purge"].split())
    assert {f"article-{article.pk}", "every-story", "front", f"section-list-{article.section_id}"} <= tags


def test_an_unreachable_edge_is_logged_and_the_save_stands(settings, make_article, caplog):
    settings.NEWSROOM_EDGE = "varnish"
    settings.NEWSROOM_EDGE_VARNISH_URLS = [f"http://127.0.0.1:{free_port()}/"]  # nothing listens there
    article = make_article()
    article.title = "Saved all the same"
    with caplog.at_level("ERROR", logger="newsroom.edge"):
        article_update(article=article)
        edge.purge_tags([f"article:{article.pk}"])
        edge.flush()
    assert Article.objects.get(pk=article.pk).title == "Saved all the same"
    assert "Edge purge of" in caplog.text


# --- how long the edge and browsers may keep a page --------------------------------------------------------------


def cache_control(response) -> dict[str, str]:
    directives = (part.strip().partition("=") for part in response["Cache-Control"].split(","))
    return {name: value for name, _, value in directives}


def test_a_list_is_kept_downstream_only_until_the_next_scheduled_story_goes_live(client, make_article, section):
    """The edge kept the home page for its s-maxage (300 s), and served it stale for 600 s more, when a scheduled
    story went live in 100 s: readers of the edge saw it up to 15 minutes late."""
    make_article(title="Already out")
    article_schedule(
        article=Article(title="Embargo lifts", slug="embargo", body="<p>x</p>", section=section),
        at=timezone.now() + timedelta(seconds=40),  # sooner than the shared blocks the page embeds expire (60 s)
    )
    stored = client.get("/")
    assert stored["X-Page-Cache"] == "miss"
    assert 38 <= int(cache_control(stored)["s-maxage"]) <= 40
    assert 38 <= int(cache_control(stored)["max-age"]) <= 40 and cache_control(stored)["stale-while-revalidate"] == "0"

    with time_machine.travel(timezone.now() + timedelta(seconds=25)):
        replayed = client.get("/")  # the app's copy, 25 s later: 15 s left
    assert replayed["X-Page-Cache"] == "hit"
    assert 13 <= int(cache_control(replayed)["s-maxage"]) <= 15 and 13 <= int(cache_control(replayed)["max-age"]) <= 15
    assert cache_control(replayed)["stale-while-revalidate"] == "0"


@pytest.mark.parametrize(("minutes", "grace"), [(10, "0"), (20, "600")])
def test_a_list_kept_until_it_changes_loses_its_grace_only_when_a_go_live_falls_within_it(
    client, make_article, section, minutes, grace
):
    """A tag's page is kept for days (`kept_until_changed`). Downstream it keeps its 300 s and, unless a story goes live
    within them and the 600 s of grace after (a downstream copy could then be served past the go-live), its grace."""
    make_article(title="Already out", tags=["harbour"])
    scheduled = article_schedule(
        article=Article(title="Embargo lifts", slug="embargo", body="<p>x</p>", section=section),
        at=timezone.now() + timedelta(minutes=minutes),
    )
    scheduled.tags.add("harbour")

    stored = client.get("/tag/harbour/")

    assert stored["X-Page-Cache"] == "miss"
    assert cache_control(stored)["s-maxage"] == "300" and cache_control(stored)["stale-while-revalidate"] == grace


def test_a_replayed_copy_says_how_long_it_has_left_and_nothing_scheduled_keeps_its_grace(client, make_article):
    url = make_article(title="Harbour reopens").get_absolute_url()
    stored = client.get(url)
    # An article lives as long as the shared blocks it embeds (a minute: Ranking agrees across pages).
    assert cache_control(stored) == {"public": "", "max-age": "60", "s-maxage": "60", "stale-while-revalidate": "600"}
    with time_machine.travel(timezone.now() + timedelta(seconds=20)):
        replayed = client.get(url)
    assert replayed["X-Page-Cache"] == "hit"
    assert 38 <= int(cache_control(replayed)["s-maxage"]) <= 40  # the edge keeps it no longer than the app does
    assert 38 <= int(cache_control(replayed)["max-age"]) <= 40
    assert cache_control(replayed)["stale-while-revalidate"] == "600"


def test_healthz_makes_no_cache_call(client, monkeypatch):
    """The page-cache middleware looked /healthz up in Redis on every probe, though it is never cached."""
    called = []
    for name in ("get", "get_many", "set", "add"):
        monkeypatch.setattr(cache, name, lambda *args, name=name, **kwargs: called.append(name))
    response = client.get("/healthz")
    assert response.status_code == 200 and called == []


# --- the real edge: Varnish with xkey in front of two granian servers ------------------------------------------


def shared_redis() -> dict:
    """The cache this process and the app servers share: the suite's Redis, else one of its own on 127.0.0.1."""
    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("RedisCache"):
        return default
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    db = (15 - int(worker[2:] or 0)) % 16 if worker.startswith("gw") else 15
    return {"BACKEND": "newsroom.cache_backend.FailSafeRedisCache", "LOCATION": f"redis://127.0.0.1:6379/{db}",
            "KEY_PREFIX": default["KEY_PREFIX"]}  # fmt: skip


def start_granian(port: int, redis: dict, purge_url: str) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "PYTEST_XDIST_WORKER"}}
    env.update(granian_env())
    env.update(GRANIAN_HOST="127.0.0.1", GRANIAN_PORT=str(port), GRANIAN_WORKERS="1", GRANIAN_LOG_LEVEL="error",
               DEBUG="0", SECRET_KEY=settings.SECRET_KEY, ALLOWED_HOSTS=f"{HOST},127.0.0.1", SECURE_SSL_REDIRECT="0",
               DATABASE_URL=database_url(), REDIS_URL=redis["LOCATION"], CACHE_KEY_PREFIX=redis["KEY_PREFIX"],
               NEWSROOM_EDGE="varnish", NEWSROOM_EDGE_VARNISH_URLS=purge_url,
               DJANGO_SETTINGS_MODULE="tests.edge_settings", STATIC_ROOT=str(ROOT / "static"))  # fmt: skip
    return subprocess.Popen([sys.executable, "-m", "granian", "newsroom.wsgi:application"], cwd=ROOT, env=env)


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited with {process.returncode}"
        try:
            if fetch(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"nothing answered /healthz on port {port}")


@pytest.fixture(scope="module")
def app_ports() -> list[int]:
    return [free_port(), free_port()]


@pytest.fixture(scope="module")
def edge_port(django_db_setup, tmp_path_factory, app_ports):
    port = free_port()
    purge_url = f"http://127.0.0.1:{port}/"
    redis = shared_redis()
    overrides = override_settings(CACHES={"default": redis}, NEWSROOM_EDGE="varnish",
                                  NEWSROOM_EDGE_VARNISH_URLS=[purge_url])  # fmt: skip
    overrides.enable()
    processes = [start_granian(app_port, redis, purge_url) for app_port in app_ports]
    varnish = None
    try:
        for process, each in zip(processes, app_ports, strict=True):
            wait_until_up(each, process)
        varnish = start_varnish(app_ports, tmp_path_factory.mktemp("varnish"), port=port)
        yield port
    finally:
        if varnish is not None:
            varnish.stop()
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
        overrides.disable()


@pytest.fixture
def edge_clean(edge_port, transactional_db):
    """Nothing a previous test left at the edge: every page carries the `site` tag."""
    connection = http.client.HTTPConnection("127.0.0.1", edge_port, timeout=5)
    connection.request("PURGE", "/", headers={"xkey-purge": "site"})
    assert connection.getresponse().status == 200
    connection.close()
    return edge_port


def seen_within(seconds: float, check) -> float:
    """How long until `check()` holds (polling); fails after `seconds`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"not seen through the edge within {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_page_is_a_hit_at_the_edge_the_second_time(edge_clean, make_article):
    article = make_article(title="Harbour reopens")
    edge.flush()  # the creation's purges out now, not 50 ms into the test
    first = fetch(edge_clean, article.get_absolute_url())
    second = fetch(edge_clean, article.get_absolute_url())
    assert first[0] == second[0] == 200 and "Harbour reopens" in second[2]
    assert first[1]["x-edge-cache"] == "MISS" and second[1]["x-edge-cache"] == "HIT"
    assert "xkey" not in second[1]  # the tags are Varnish's business only


@pytest.mark.parametrize("change", ["headline fix", "unpublish", "trash"])
def test_a_change_is_seen_through_the_edge_within_two_seconds_everywhere_the_story_shows(
    edge_clean, make_article, change
):
    story = make_article(title="Original headline", slug="the-story", tags=["harbour"])
    other = make_article(title="Another story", slug="another-story", tags=["harbour"])
    section_url = reverse("articles:section", args=[story.section.slug])
    pages = {"article": story.get_absolute_url(), "home": "/", "section": section_url,
             "related on another story": other.get_absolute_url()}  # fmt: skip
    for url in [*pages.values(), "/sitemap.xml"]:  # the old copies at the edge, once the setup's purges are through
        seen_within(2, lambda url=url: fetch(edge_clean, url)[1]["x-edge-cache"] == "HIT")
    assert "Original headline" in fetch(edge_clean, pages["related on another story"])[2]
    assert "/news/the-story/" in fetch(edge_clean, "/sitemap.xml")[2]

    if change == "headline fix":
        story.title = "Corrected headline"
        article_update(article=story)
    elif change == "unpublish":
        article_unpublish(article=story)
    else:
        article_trash(article=story)

    for name, url in pages.items():
        if change == "headline fix":
            seen_within(2, lambda url=url: "Corrected headline" in fetch(edge_clean, url)[2])
        elif name == "article":
            seen_within(2, lambda url=url: fetch(edge_clean, url)[0] == 404)
        else:
            seen_within(2, lambda url=url: "Original headline" not in fetch(edge_clean, url)[2])
        assert "Original headline" not in fetch(edge_clean, url)[2], name  # and never served again, not even stale
    if change != "headline fix":
        seen_within(2, lambda: "/news/the-story/" not in fetch(edge_clean, "/sitemap.xml")[2])


def test_an_old_etag_after_a_purge_gets_the_new_page_not_a_304(edge_clean, make_article):
    story = make_article(title="Original headline")
    url = story.get_absolute_url()
    fetch(edge_clean, url)
    old_etag = fetch(edge_clean, url)[1]["etag"]
    assert fetch(edge_clean, url, headers={"If-None-Match": old_etag})[0] == 304  # before the change: fine
    story.title = "Corrected headline"
    article_update(article=story)

    def new_page_for_the_old_etag() -> bool:
        status, _, body = fetch(edge_clean, url, headers={"If-None-Match": old_etag})
        return status == 200 and "Corrected headline" in body

    seen_within(2, new_page_for_the_old_etag)


def test_an_unknown_host_is_refused_at_the_edge_never_served_a_cached_page(edge_clean, make_article):
    url = make_article(title="Harbour reopens").get_absolute_url()
    edge.flush()  # the creation's purges out now, not 50 ms into the test
    fetch(edge_clean, url)
    assert fetch(edge_clean, url)[1]["x-edge-cache"] == "HIT"
    for host in ["evil.example", "news.example.com.evil.example", ""]:
        status, _, body = fetch(edge_clean, url, host=host)
        assert status == 400 and "Harbour reopens" not in body, host
    assert fetch(edge_clean, url, host="NEWS.example.com")[0] == 200  # host names are not case-sensitive


def test_healthz_through_the_edge_is_never_cached_and_never_waits(edge_clean, app_ports):
    """The edge adds no waiting to a probe: measured in one run beside the same probes sent straight to an app
    server (the old nginx cache lock made some wait up to 5 s). The absolute figure, p99 under 50 ms on a quiet
    machine, is `make bench`'s (bench/edge.py): this machine is shared and its timings noisy."""
    assert {fetch(edge_clean, "/healthz")[1]["x-edge-cache"] for _ in range(3)} == {"PASS"}
    direct = probe_waits(app_ports[0])
    through_edge = probe_waits(edge_clean)
    summary = (
        f"through the edge p50 {p50(through_edge) * 1000:.1f} ms, p99 {p99(through_edge) * 1000:.1f} ms; straight to "
        f"the app p50 {p50(direct) * 1000:.1f} ms, p99 {p99(direct) * 1000:.1f} ms"
    )
    # No probe waits behind another (the cache lock's waits were seconds), and a typical probe costs what it
    # costs straight to the app; p99 itself swings with whatever else runs on this shared machine.
    assert p99(through_edge) < 1.0, summary
    assert p50(through_edge) < 3 * p50(direct) + 0.020, summary


def test_the_shipped_nginx_caches_no_page_and_refuses_unknown_hosts():
    """nginx is TLS, buffering and static files now: its cache could not be purged and queued /healthz."""
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    directives = [line.split("#")[0] for line in nginx.splitlines()]
    assert not any("proxy_cache" in line for line in directives)
    assert "listen 80 default_server;" in nginx and "return 444;" in nginx
    vcl = (ROOT / "deploy" / "varnish.vcl").read_text()
    assert "xkey.purge(" in vcl and "softpurge" not in vcl.split("vcl 4.1;")[1]
