"""Issue 22, item 8 (and the status region of item 9): pages go out gzipped and replay cheaply, uploads are kept by
browsers for a week when Django serves them, and the headers carry what the page needs."""

import gzip
import importlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import clear_url_caches

from newsroom import compression
from tests.builders import jpeg_bytes
from tests.test_html_valid import nu_errors, vnu  # noqa: F401 — the checker's fixture

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture(autouse=True)
def _no_compressed_copies():
    compression.compressed_copies.clear()
    yield
    compression.compressed_copies.clear()


@pytest.fixture
def story(make_article):
    return make_article(title="Harbour reopens", body="<p>The harbour reopened on Tuesday.</p>" * 20)


def test_a_page_goes_out_gzipped_and_unpacks_to_the_bytes_everyone_gets(client, story):
    plain = client.get(story.get_absolute_url())  # stored by the page cache
    packed = client.get(story.get_absolute_url(), **GZIP)

    assert packed["X-Page-Cache"] == "hit" and packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert int(packed["Content-Length"]) == len(packed.content)
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert "Content-Encoding" not in plain  # a client that asks for no gzip gets none
    assert packed["ETag"] == "W/" + plain["ETag"]  # RFC 9110: another encoding, a weak validator


def test_a_hit_replays_the_compressed_bytes_instead_of_compressing_again(client, story, monkeypatch):
    first = client.get(story.get_absolute_url(), **GZIP)
    calls = []
    monkeypatch.setattr(compression, "compress_string", lambda *a, **k: calls.append(a) or b"")
    again = client.get(story.get_absolute_url(), **GZIP)

    assert again["X-Page-Cache"] == "hit" and calls == []
    assert again.content == first.content  # the same bytes for every reader: no random padding on shared copies


@pytest.mark.parametrize("validator", ["strong", "weak"])
def test_a_304_still_answers_either_validator(client, story, validator):
    packed = client.get(story.get_absolute_url(), **GZIP)
    etag = packed["ETag"] if validator == "weak" else packed["ETag"].removeprefix("W/")

    again = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=etag, **GZIP)

    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == packed["ETag"] and "Accept-Encoding" in again["Vary"]


def test_feeds_are_compressed_and_images_are_not(client, story):
    feed = client.get("/feed/", **GZIP)
    assert feed["Content-Encoding"] == "gzip" and gzip.decompress(feed.content).startswith(b"<?xml")
    assert compression.is_text("application/json") and compression.is_text("text/html; charset=utf-8")
    assert not compression.is_text("image/jpeg") and not compression.is_text("image/webp")


def test_a_signed_in_page_is_compressed_each_time_with_padding(admin_client):
    one = admin_client.get("/admin/", **GZIP)
    two = admin_client.get("/admin/", **GZIP)
    assert one["Content-Encoding"] == two["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(one.content)
    assert compression.compressed_copies.get(one.get("ETag", "")) is None  # never kept: not a shared copy


@pytest.fixture
def media_urls(settings, tmp_path):
    """The URLs `make serve` has: Django serves /media/ (NEWSROOM_SERVE_MEDIA)."""
    from newsroom import urls

    settings.NEWSROOM_SERVE_MEDIA = True
    settings.MEDIA_ROOT = tmp_path
    clear_url_caches()
    importlib.reload(urls)
    yield
    settings.NEWSROOM_SERVE_MEDIA = False
    clear_url_caches()
    importlib.reload(urls)


def test_media_served_by_django_is_kept_a_week_like_nginx_says(media_urls, client):
    name = default_storage.save("renditions/library/2026/05/boat-640.jpg", ContentFile(jpeg_bytes()))
    response = client.get(f"/media/{name}", **GZIP)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=604800"  # deploy/nginx.conf: expires 7d
    assert "Content-Encoding" not in response  # a JPEG is compressed already
    assert b"".join(response.streaming_content) == jpeg_bytes()
    assert client.get("/media/renditions/none.jpg").status_code == 404


def test_article_headers_are_a_third_smaller(client, story):
    """2.2 KB of headers before (the CSP and a Permissions-Policy naming nine embed hosts); under 1.2 KB now."""
    response = client.get(story.get_absolute_url(), **GZIP)
    header_bytes = sum(len(f"{name}: {value}\r\n") for name, value in response.items())
    assert header_bytes < 1200, dict(response.items())


def test_flash_messages_sit_in_a_valid_status_region(make_article, vnu, tmp_path):  # noqa: F811
    """After a vote without JavaScript the reader's page says what happened, in a live region the Nu checker
    accepts (a `<ul role="status">` was an error)."""
    article = make_article(title="Harbour reopens")
    reader = Client()
    page = reader.post(f"/news/{article.pk}/vote/", {"action": "vote"}, HTTP_SEC_FETCH_SITE="same-origin", follow=True)
    html = page.content.decode()

    assert '<div role="status">' in html and "Thanks — your vote is counted." in html
    assert nu_errors(vnu, {page.request["PATH_INFO"]: page.content}, tmp_path) == []
