"""RSS/Atom feeds and sitemaps, checked by parsing them as XML."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.builders import build_newsroom

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_domain")]


ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def parse(response) -> ET.Element:
    assert response.status_code == 200
    return ET.fromstring(response.content)


def test_site_rss_feed_lists_newest_published_with_summary_and_hero_enclosure(client):
    room = build_newsroom(count=6, hero=True)
    response = client.get("/feed/")
    channel = parse(response).find("channel")
    items = channel.findall("item")

    assert response["Content-Type"].startswith("application/rss+xml")
    assert [i.findtext("title") for i in items] == [a.title for a in room.articles]
    lead = items[0]
    assert lead.findtext("link") == f"http://news.example.com{room.articles[0].get_absolute_url()}"
    assert lead.findtext("description") == "Summary of story 00."
    enclosure = lead.find("enclosure")
    assert enclosure.get("url").startswith("http://news.example.com/media/library/")
    assert enclosure.get("type") == "image/jpeg" and int(enclosure.get("length")) > 0
    assert items[1].find("enclosure") is None
    assert {c.text for c in lead.findall("category")} >= {"World", "topic-0"}
    assert "Secret draft" not in response.content.decode() and "Future story" not in response.content.decode()


def test_site_atom_feed_is_valid_atom(client):
    room = build_newsroom(count=3, hero=True)
    feed = parse(client.get("/atom/"))

    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [a.title for a in room.articles]
    assert entries[0].find(f"{ATOM}link[@rel='enclosure']") is not None
    assert entries[0].findtext(f"{ATOM}summary") == "Summary of story 00."
    assert entries[0].findtext(f"{ATOM}updated")


def test_section_feeds_include_sub_sections_and_tag_feeds_only_the_tag(client):
    build_newsroom(count=12, tags_per_article=1)

    world = [i.findtext("title") for i in parse(client.get("/section/world/feed/")).iter("item")]
    asia = [e.findtext(f"{ATOM}title") for e in parse(client.get("/section/asia/atom/")).iter(f"{ATOM}entry")]
    tag = [i.findtext("title") for i in parse(client.get("/tag/topic-4/feed/")).iter("item")]

    assert world == [f"Story {n:02d} about topic-{n}" for n in [0, 1, 4, 5, 8, 9]]
    assert asia == [f"Story {n:02d} about topic-{n}" for n in [1, 5, 9]]
    assert tag == ["Story 04 about topic-4"]
    assert client.get("/section/nowhere/feed/").status_code == 404
    assert client.get("/tag/nothing/atom/").status_code == 404


def test_sitemap_lists_home_sections_and_published_articles_with_lastmod(client):
    room = build_newsroom(count=5)
    Article.objects.filter(pk=room.articles[1].pk).update(updated_at=timezone.now() + timedelta(days=3))  # in Asia

    urls = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in parse(client.get("/sitemap.xml"))}

    assert "http://news.example.com/" in urls
    in_three_days = f"{timezone.localdate() + timedelta(days=3):%Y-%m-%d}"
    assert urls["http://news.example.com/section/asia/"] == in_three_days
    assert urls["http://news.example.com/section/world/"] == in_three_days  # a sub-section's change counts
    assert urls["http://news.example.com/section/sports/"] != in_three_days
    for section in ["world", "asia", "business", "sports"]:
        assert f"http://news.example.com/section/{section}/" in urls
    for article in room.articles:
        assert urls[f"http://news.example.com{article.get_absolute_url()}"]  # has a lastmod
    assert not any("secret-draft" in u or "future-story" in u for u in urls)


def test_news_sitemap_has_only_the_last_48_hours(client, make_article):
    fresh = make_article(title="Fresh & new", published_at=timezone.now() - timedelta(hours=47))
    make_article(title="Stale", published_at=timezone.now() - timedelta(hours=49))
    make_article(title="Draft", status=Article.Status.DRAFT)

    root = parse(client.get("/news-sitemap.xml"))
    entries = root.findall(f"{SITEMAP}url")

    assert [e.findtext(f"{SITEMAP}loc") for e in entries] == [f"http://news.example.com{fresh.get_absolute_url()}"]
    news = entries[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}title") == "Fresh & new"
    assert news.find(f"{NEWS}publication").findtext(f"{NEWS}name") == "Newsroom"
    assert news.findtext(f"{NEWS}publication_date").startswith(f"{timezone.localtime(fresh.published_at):%Y-%m-%d}")
