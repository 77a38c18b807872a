"""Reader pages as a reader (and a search engine) sees them: status, text, breadcrumbs, dates, SEO, caching."""

import json
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.views.defaults import server_error

from articles import publishing
from articles.models import Article, Section
from articles.page_cache import forget_local_copies
from articles.publishing import article_create
from tests.builders import add_stories, build_newsroom, use_public_domain
from tests.desk_helpers import staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_domain")]


def text_of(response) -> str:
    """The page's visible text (of a response or its HTML), tags stripped and whitespace collapsed."""
    source = response if isinstance(response, str) else response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def breadcrumb_text(response) -> str:
    html = response.content.decode()
    nav = re.search(r'<nav aria-label="Breadcrumb".*?</nav>', html, re.S).group(0)
    return " > ".join(re.findall(r"<a [^>]*>([^<]+)</a>", nav))


def test_article_page_anatomy(client, make_article, section, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    asia = Section.objects.create(name="Asia", slug="asia", parent=section)
    article = make_article(
        title="Quake hits coast",
        section=asia,
        published_at=datetime(2025, 4, 17, 3, 13, 10, tzinfo=UTC),
        dateline="SEOUL, South Korea (AP)",
        body="<p>First paragraph.</p><p>Second paragraph.</p>",
        view_count=1234,
        tags=["quakes"],
    )

    response = client.get(article.get_absolute_url())
    html, text = response.content.decode(), text_of(response)

    assert response.status_code == 200
    assert html.count("<h1") == 1 and "<h1>Quake hits coast</h1>" in html
    assert breadcrumb_text(response) == "Home > World > Asia"
    assert "Current: Home > World > Asia" in text
    assert 'href="/section/asia/"' in html  # not in the header menu: only the breadcrumb links it
    # Publish time in the site's time zone (UTC+9), machine-readable in <time datetime>.
    assert 'Date: <time datetime="2025-04-17T12:13:10+09:00">2025-04-17 12:13:10 KST</time>' in html  # zone named
    assert "Updated:" not in text
    assert '<span class="views" data-live-views>1234 views</span>' in html
    assert "SEOUL, South Korea (AP) — First paragraph. Second paragraph." in text
    assert 'href="/tag/quakes/"' in html
    assert '<a class="site-name" href="/">Newsroom</a>' in html


def test_article_edited_after_publishing_shows_updated_time(client, make_article):
    day_ago = timezone.now() - timedelta(days=1)
    article = make_article(published_at=day_ago)
    Article.objects.filter(pk=article.pk).update(created_at=day_ago, updated_at=day_ago + timedelta(hours=2))

    text = text_of(client.get(article.get_absolute_url()))

    local = timezone.localtime(day_ago + timedelta(hours=2))
    assert f"Updated: {local:%Y-%m-%d %H:%M:%S}" in text


def test_article_hero_image_has_srcset_alt_caption_and_credit(client, make_article):
    from tests.builders import jpeg_bytes, library_image

    hero = library_image(
        content=jpeg_bytes(700, 400),
        alt="Rescuers at work",
        caption="Rescuers search the rubble.",
        credit="Photo: Jane Doe/AP",
    )
    article = make_article(hero=hero)

    html = client.get(article.get_absolute_url()).content.decode()

    assert 'alt="Rescuers at work"' in html
    assert re.search(r'<source type="image/webp" srcset="[^"]+-320\.webp 320w, [^"]+-640\.webp 640w"', html)
    assert "Rescuers search the rubble." in html and "Photo: Jane Doe/AP" in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert re.search(r'<meta property="og:image" content="http://news.example.com/media/renditions/library/', html)


def test_article_seo_tags_and_json_ld(client, make_article):
    article = make_article(title='Tricky </script><b> "title"', summary="Short summary.", byline="By Jane Doe")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()

    assert f'<link rel="canonical" href="http://news.example.com{article.get_absolute_url()}">' in html
    assert '<meta name="description" content="Short summary.">' in html
    assert '<meta property="og:type" content="article">' in html
    assert 'name="robots"' not in html
    # A data block, never executed: no nonce, so the page is the same for every reader.
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert script, "JSON-LD block missing"
    assert "</script><b>" not in script.group(1)  # editor text cannot close the script element
    data = json.loads(script.group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == 'Tricky </script><b> "title"'
    assert data["author"] == [{"@type": "Person", "name": "Jane Doe"}]
    assert data["publisher"]["name"] == "Newsroom"
    assert data["datePublished"] == article.published_at.isoformat()
    assert "dateModified" in data


def test_pages_have_no_inline_styles(client):
    room = build_newsroom(hero=True)
    for url in ["/", room.articles[0].get_absolute_url(), "/section/world/", "/tag/topic-1/", "/search/?q=story"]:
        assert " style=" not in client.get(url).content.decode(), url


def test_drafts_scheduled_and_unknown_articles_are_404_with_a_friendly_page(client):
    room = build_newsroom(count=3)
    for url in [room.draft.get_absolute_url(), room.scheduled.get_absolute_url(), "/news/no-such-story/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in text_of(response)
        assert '<nav aria-label="Sections"' in response.content.decode()  # in the site's layout


def test_preview_is_for_staff_never_cached_never_indexed_and_has_no_vote_button(client, make_article):
    draft = make_article(status=Article.Status.DRAFT, title="Embargoed")
    assert client.get(draft.get_preview_url()).status_code == 302  # to the admin login

    client.force_login(staff("ed", "Editors"))  # who else may preview: tests/test_preview_access.py
    response = client.get(draft.get_preview_url())
    html = response.content.decode()

    assert response.status_code == 200 and "Embargoed" in html
    assert "no-cache" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, follow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert 'class="vote-button"' not in html
    assert "application/ld+json" not in html


def test_home_shows_lead_story_list_sections_and_widgets(client):
    room = build_newsroom(hero=True)
    response = client.get("/")
    html, text = response.content.decode(), text_of(response)

    assert response.status_code == 200
    assert html.count("<h1") == 1
    lead = re.search(r'<article class="lead">(.*?)</article>', html, re.S).group(1)
    assert "<img" in lead and room.articles[0].title in lead
    assert room.articles[1].title in text and room.articles[10].title in text
    for section in ["World", "Business", "Sports"]:
        assert f'<a href="/section/{section.lower()}/">{section}</a></h2>' in html
    assert "Ranking" in text and "Recommendation" in text
    assert "Secret draft" not in text and "Future story" not in text
    assert '<link rel="canonical" href="http://news.example.com/">' in html


def test_section_page_lists_sub_sections_with_total_and_breadcrumb(client):
    room = build_newsroom(count=36)
    response = client.get("/section/world/")
    text = text_of(response)

    assert response.status_code == 200
    assert "total 18" in text  # 9 in World + 9 in Asia; the draft and the scheduled story are not counted
    assert breadcrumb_text(response) == "Home > World"
    assert 'aria-current="page">World</a>' in response.content.decode()
    assert "Popular in World" in text
    assert room.articles[1].title in text  # an Asia story

    assert '<meta name="description" content="Latest news in World.">' in response.content.decode()
    Section.objects.filter(slug="asia").update(description="News from Asia.")
    cache.clear()  # the section tree
    asia = client.get("/section/asia/")
    assert '<meta name="description" content="News from Asia.">' in asia.content.decode()
    assert breadcrumb_text(asia) == "Home > World > Asia" and "total 9" in text_of(asia)


def test_tag_page_lists_articles_with_total_and_breadcrumb(client):
    build_newsroom(count=24, tags_per_article=2)
    response = client.get("/tag/topic-3/")

    assert response.status_code == 200
    assert "total 4" in text_of(response)  # stories 2, 3, 14, 15
    assert breadcrumb_text(response) == "Home > Tag: topic-3"
    assert client.get("/tag/no-such-tag/").status_code == 404
    assert client.get("/section/no-such-section/").status_code == 404


PAGINATION_EDGES = [("", 200, 1), ("?page=1", 200, 1), ("?page=2", 200, 2), ("?page=3", 200, 2),
                    ("?page=99999999999", 200, 2), ("?page=0", 200, 1), ("?page=-4", 200, 1), ("?page=abc", 404, None),
                    ("?page=2.5", 404, None), ("?page=7", 200, 2)]  # fmt: skip


@pytest.fixture(scope="module")
def world_pages(django_db_setup, django_db_blocker) -> dict[str, tuple[int, str]]:
    """`/section/world/` with each query above, each asked with cold caches: (status, HTML). The newsroom (44
    published: 11 per section, 22 in World with Asia) is built once for every query, in a transaction rolled back
    afterwards, as `first_visit_queries` does."""
    pages = {}
    with django_db_blocker.unblock(), transaction.atomic():
        use_public_domain()
        build_newsroom(count=44)
        client = Client()
        for query, _, _ in PAGINATION_EDGES:
            forget_local_copies()
            cold_caches()
            response = client.get(f"/section/world/{query}")
            pages[query] = (response.status_code, response.content.decode())
        transaction.set_rollback(True)
    cache.clear()
    forget_local_copies()
    Site.objects.clear_cache()
    return pages


@pytest.mark.parametrize(("query", "status", "shown_page"), PAGINATION_EDGES)
def test_pagination_edges_never_500(world_pages, query, status, shown_page):
    answered, html = world_pages[query]

    assert answered == status
    if shown_page:
        assert f"Page {shown_page} of 2" in text_of(html)
    else:
        assert "Page not found" in text_of(html)


def test_paginated_and_odd_page_urls_are_not_indexed_and_canonical_points_at_the_real_page(world_pages):
    first, second, past_end = (world_pages[query][1] for query in ["", "?page=2", "?page=7"])

    assert 'name="robots"' not in first
    assert '<link rel="canonical" href="http://news.example.com/section/world/">' in first
    assert '<meta name="robots" content="noindex, follow">' in second
    assert '<link rel="canonical" href="http://news.example.com/section/world/?page=2">' in second
    assert '<meta name="robots" content="noindex, follow">' in past_end


def test_anonymous_pages_are_publicly_cacheable_but_never_for_signed_in_staff(client):
    room = build_newsroom(count=4)
    urls = ["/", room.articles[0].get_absolute_url(), "/section/world/", "/tag/topic-1/", "/search/?q=x", "/feed/"]
    for url in urls:
        cache_control = client.get(url)["Cache-Control"]
        # At most the page cache's five minutes; a page with the shared blocks no longer than what they have left
        # (a minute, less the seconds since they were built: a loaded machine may take one).
        shared_for = re.search(r"s-maxage=(\d+)\b", cache_control)
        assert "public" in cache_control and shared_for and 0 < int(shared_for[1]) <= 300, url
        assert "stale-while-revalidate=600" in cache_control, url

    client.force_login(User.objects.create_user("staff", password="x" * 12, is_staff=True))
    for url in urls:
        cache_control = client.get(url)["Cache-Control"]
        assert "public" not in cache_control and "no-cache" in cache_control, url


def test_page_after_a_vote_shows_the_message_and_is_not_cacheable(client, make_article):
    article = make_article()
    response = client.post(f"/news/{article.pk}/vote/", follow=True)

    assert "Thanks — your vote is counted." in text_of(response)
    assert "public" not in response["Cache-Control"]


def test_server_error_page_renders_without_database_or_context():
    request = RequestFactory().get("/")
    response = server_error(request)

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "front page" in response.content.decode()


def test_robots_txt_points_at_the_sitemaps(client):
    response = client.get("/robots.txt")
    body = response.content.decode()

    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://news.example.com/sitemap.xml" in body
    assert "Sitemap: http://news.example.com/news-sitemap.xml" in body
    assert "Disallow: /admin/" in body and "Disallow: /preview/" in body


def cold_caches():
    """Empty the caches a fresh server process would have empty."""
    cache.clear()
    Site.objects.clear_cache()


QUERY_BUDGETS = [  # a reader page, and the most queries its first visit may take
    ("/", 9),
    ("/latest/?page=2", 5),
    # Every cache empty: the story and the three blocks stitched into it (menu, Ranking, Recommendation), each
    # built apart as it is cached apart (Ranking is the head of Recommendation's ranked list: the window's buckets
    # are summed once). The story's tags come with it, Related's rows with its candidates (one query each).
    ("/news/story-05/", 8),
    ("/news/few-related/", 9),  # fewer than 10 share a tag: the same-section fill is one more query
    ("/section/world/", 7),
    ("/section/world/?page=2", 7),
    ("/tag/topic-3/", 6),
    ("/search/?q=story", 5),
    ("/feed/", 4),
    ("/section/world/atom/", 5),
    ("/tag/topic-3/feed/", 5),
    ("/sitemap.xml", 6),
    ("/news-sitemap.xml", 3),
    ("/most-read/", 11),
]


@pytest.mark.parametrize(("url", "budget"), QUERY_BUDGETS)
def test_query_count_is_fixed_whatever_the_data_size(first_visit_queries, url, budget):
    """Cold caches (one query of each is the next scheduled publication, for the page cache's expiry), the
    same page at 40 articles with 4 tags each and at 100 with up to 6: the same number
    of queries, within the budget (an N+1 anywhere would grow with the data)."""
    small, large = first_visit_queries[url]
    assert small == large <= budget


@pytest.mark.django_db
def test_a_story_seen_first_after_the_blocks_are_warm_takes_four_queries(client):
    """What a first view of an archived story costs once the shared blocks are cached (the common case): the
    story with its tags, its Related (candidates with their rows) and the section's Recommendation candidates."""
    use_public_domain()
    room = build_newsroom(count=40, tags_per_article=4, hero=True)
    cold_caches()
    client.get(room.articles[5].get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(room.articles[7].get_absolute_url())
    assert response.status_code == 200
    assert len(queries) <= 4


@pytest.fixture(scope="module")
def first_visit_queries(django_db_setup, django_db_blocker) -> dict[str, tuple[int | str, int | str]]:
    """Per URL above, the queries of its first visit at 40 articles and at 100. The newsroom is built once for
    every URL (in a transaction rolled back afterwards), not once per URL: building it was most of the time."""
    counts: dict[str, list[int | str]] = {url: [] for url, _ in QUERY_BUDGETS}
    with django_db_blocker.unblock(), transaction.atomic():
        use_public_domain()
        room = build_newsroom(count=40, tags_per_article=4, hero=True)
        for article in room.articles[7:9]:
            publishing.article_set_editors_pick(article=article, picked=True)
        few = article_create(
            article=Article(
                title="Few related", slug="few-related", body="<p>x</p>", section=room.sports, status="published"
            )
        )
        few.tags.add("rare")
        for article in room.articles[:3]:
            article.tags.add("rare")
        client = Client()
        for more in (0, 60):
            if more:
                add_stories(room, count=more, tags_per_article=6)
            for url in counts:
                if not more:
                    forget_local_copies()  # as each URL's own test started
                cold_caches()
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                counts[url].append(len(queries) if response.status_code == 200 else f"status {response.status_code}")
        transaction.set_rollback(True)
    cache.clear()
    forget_local_copies()
    Site.objects.clear_cache()
    return {url: tuple(each) for url, each in counts.items()}


def test_head_requests_work_and_other_methods_are_refused(client):
    room = build_newsroom(count=3)
    url = room.articles[0].get_absolute_url()

    assert client.head(url).status_code == 200
    assert client.head("/").status_code == 200
    assert client.post("/search/", {"q": "x"}).status_code == 405


def test_latest_archive_lists_every_published_story_with_total_and_pages(client):
    room = build_newsroom(count=25)
    Article.objects.create(title="Hidden draft", slug="hidden-draft", body="<p>x</p>", section=room.sports)
    published = 25  # the draft and the scheduled story are not counted

    home = client.get("/").content.decode()
    first = client.get("/latest/").content.decode()
    second = client.get("/latest/?page=2")

    assert f"total {published}" in home and 'href="/latest/"' in home
    assert f"total {published}" in first and "Hidden draft" not in first
    assert 'aria-label="Breadcrumb"' in first and 'href="/"' in first
    assert second.status_code == 200 and second.context["page"].number == 2
    assert len(second.context["page"].object_list) == published - 20
    assert client.get("/latest/?page=999").context["page"].number == 2
    assert client.get("/latest/?page=abc").status_code == 404


def test_most_read_lists_each_window_and_what_is_trending(client, make_article):
    now = timezone.now()
    old_favourite = make_article(title="Old favourite", published_at=now - timedelta(days=20), vote_count=9)
    fresh = make_article(title="Fresh story", published_at=now - timedelta(hours=2), vote_count=3)
    make_article(title="Quiet draft", status=Article.Status.DRAFT, vote_count=50)

    response = client.get("/most-read/")

    html = response.content.decode()
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    headings = re.findall(r'<h2 id="most-read-\d">([^<]+)</h2>', html)
    assert headings == ["Trending now", "Last 24 hours", "Last 7 days", "Last 30 days"]
    lists = dict(zip(headings, html.split('<h2 id="most-read-')[1:], strict=True))
    assert fresh.title in lists["Trending now"] and fresh.title in lists["Last 24 hours"]
    assert old_favourite.title not in lists["Last 7 days"] and old_favourite.title in lists["Last 30 days"]
    assert lists["Last 30 days"].index(old_favourite.title) < lists["Last 30 days"].index(fresh.title)
    assert "Quiet draft" not in html
    assert '<a href="/most-read/">Most read</a>' in client.get("/").content.decode()
