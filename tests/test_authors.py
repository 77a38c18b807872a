"""Issue 22, items 5 and 7: author pages and feeds, bylines that link to them, dates with their zone, views
counted in words, and what link previews and search engines read (site card, JSON-LD images, logo)."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.authors.models import Author
from articles.models import Article
from tests.builders import add_stories, build_newsroom, landscape_jpeg, library_image

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_domain")]


def make_author(name: str = "Jane Doe", slug: str = "jane-doe", **fields) -> Author:
    user = User.objects.create_user(slug, password="x" * 12)
    return Author.objects.create(user=user, name=name, slug=slug, **fields)


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_author_page_shows_name_photo_bio_their_stories_and_a_feed(client, make_article):
    jane = make_author(bio="Jane covers ports and shipping.", photo=library_image(alt="Jane"))
    mine = make_article(title="Harbour reopens", author=jane.user, byline="By Jane Doe")
    make_article(title="Draft of mine", author=jane.user, status=Article.Status.DRAFT)
    make_article(title="Someone else's story")

    response = client.get("/author/jane-doe/")
    html = response.content.decode()

    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert "<h1>Jane Doe</h1>" in html and "Jane covers ports and shipping." in html
    assert re.search(r'<img class="author-photo" src="/media/renditions/[^"]+-sq320-[^"]+\.jpg"', html)
    assert mine.get_absolute_url() in html and "total 1" in html
    assert "Draft of mine" not in html and "Someone else" not in html
    assert 'href="/author/jane-doe/feed/"' in html
    assert client.get("/author/nobody/").status_code == 404
    assert client.get("/author/nobody/feed/").status_code == 404

    feed = ET.fromstring(client.get("/author/jane-doe/feed/").content).find("channel")
    assert feed.findtext("title") == "Newsroom: Jane Doe"
    assert [i.findtext("title") for i in feed.findall("item")] == ["Harbour reopens"]


def test_author_page_runs_the_same_queries_whatever_the_data_size(client):
    room = build_newsroom(count=30)
    jane = make_author(photo=library_image())
    Article.objects.update(author=jane.user)

    def first_visit() -> int:
        cache.clear()
        Site.objects.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/author/jane-doe/?page=2").status_code == 200
        return len(queries)

    small = first_visit()
    add_stories(room, count=60)
    Article.objects.update(author=jane.user)
    assert small == first_visit() <= 6  # the author, the count, the site, sections, the page, its expiry


def test_bylines_link_to_the_author_page_and_json_ld_names_its_address(client, make_article):
    jane = make_author()
    article = make_article(author=jane.user, byline="By Jane Doe")
    without_profile = make_article(byline="By A Stringer")

    html = client.get(article.get_absolute_url()).content.decode()
    other = client.get(without_profile.get_absolute_url()).content.decode()

    assert '<p class="byline"><a href="/author/jane-doe/" rel="author">By Jane Doe</a></p>' in html
    assert json_ld(html)["author"] == [
        {"@type": "Person", "name": "Jane Doe", "url": "http://news.example.com/author/jane-doe/"}
    ]
    assert '<p class="byline">By A Stringer</p>' in other
    assert json_ld(other)["author"] == [{"@type": "Person", "name": "A Stringer"}]


def test_dates_name_their_zone_and_views_are_counted_in_words(client, make_article, settings):
    one, two = make_article(view_count=1), make_article(view_count=2)

    first = client.get(one.get_absolute_url()).content.decode()
    second = client.get(two.get_absolute_url()).content.decode()

    assert re.search(r"Date: <time [^>]+>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</time>", first)
    assert '<span class="views" data-live-views>1 view</span>' in first
    assert '<span class="views" data-live-views>2 views</span>' in second
    beacon = client.post(f"/news/{one.pk}/seen/").json()
    assert beacon["views"] == 2 and beacon["views_label"] == "2 views"


def test_feeds_are_titled_with_the_site_name_and_name_authors_without_by(client):
    room = build_newsroom(count=3)
    channel = ET.fromstring(client.get("/feed/").content).find("channel")
    atom = ET.fromstring(client.get("/section/world/atom/").content)

    assert channel.findtext("title") == "Newsroom: latest news"
    assert atom.findtext("{http://www.w3.org/2005/Atom}title") == "Newsroom: World"
    assert ET.fromstring(client.get("/tag/topic-0/feed/").content).find("channel").findtext("title") == (
        "Newsroom: tagged “topic-0”"
    )
    authors = [
        a.findtext("{http://www.w3.org/2005/Atom}name") for a in atom.iter("{http://www.w3.org/2005/Atom}author")
    ]
    assert authors and set(authors) == {"Test Writer"}, room


def test_pages_of_no_single_story_carry_the_site_card(client):
    build_newsroom(count=3)
    make_author()
    for url in ["/", "/section/world/", "/tag/topic-0/", "/author/jane-doe/"]:
        html = client.get(url).content.decode()
        card = re.search(r'<meta property="og:image" content="([^"]+)">', html)
        assert card and re.fullmatch(r"http://news\.example\.com/static/img/site-card[^/]*\.png", card.group(1)), url
        assert '<meta name="twitter:card" content="summary_large_image">' in html, url


def test_json_ld_gives_three_shapes_of_the_picture_and_the_publishers_logo(client, make_article):
    article = make_article(hero=library_image(content=landscape_jpeg(1600, 1000)))

    data = json_ld(client.get(article.get_absolute_url()).content.decode())

    shapes = [re.search(r"-r(\d+x\d+)-f", url).group(1) for url in data["image"][:3]]
    assert shapes == ["16x9", "4x3", "1x1"] and all(u.startswith("http://news.example.com/") for u in data["image"])
    assert "card1200x630" in data["image"][3]
    logo = data["publisher"]["logo"]
    assert logo["@type"] == "ImageObject" and re.fullmatch(
        r"http://news\.example\.com/static/img/logo[^/]*\.png", logo["url"]
    )
    assert (logo["width"], logo["height"]) == (600, 60)
