"""SEO and social fields: optional overrides used in the page head, JSON-LD, sitemaps and feeds; admin previews."""

import json
import re

import pytest
from django.contrib.auth.models import Group, User

from articles.media import renditions
from tests.builders import jpeg_bytes, library_image

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_domain")]


def head(client, article) -> str:
    html = client.get(article.get_absolute_url()).content.decode()
    return html.split("</head>")[0]


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_empty_fields_mean_the_articles_own_headline_summary_and_hero(client, make_article):
    hero = library_image(content=jpeg_bytes(1600, 900), alt="Harbour")
    article = make_article(title="Harbour reopens", summary="Ships return.", hero=hero)
    html = head(client, article)
    assert "<title>Harbour reopens · Newsroom</title>" in html
    assert '<meta name="description" content="Ships return.">' in html
    assert '<meta property="og:title" content="Harbour reopens">' in html
    assert '<meta property="og:description" content="Ships return.">' in html
    assert (
        f'<meta property="og:image" content="http://news.example.com/media/{renditions.social_card_name(hero)}">'
        in html
    )
    assert f'<link rel="canonical" href="http://news.example.com{article.get_absolute_url()}">' in html
    assert 'name="robots"' not in html


def test_overrides_reach_the_head_and_json_ld(client, make_article):
    social = library_image(content=jpeg_bytes(1600, 900), alt="Crowd on the quay")
    article = make_article(
        title="Harbour reopens",
        summary="Ships return.",
        hero=library_image(alt="Harbour"),
        meta_title="Harbour reopens after storm | Busan",
        meta_description="The port of Busan reopened on Tuesday after a storm closed it for three days.",
        social_title="Busan's harbour is open again",
        social_description="Ships are back.",
        social_image=social,
        canonical_url="https://partner.example.org/harbour",
    )
    html = head(client, article)
    assert "<title>Harbour reopens after storm | Busan · Newsroom</title>" in html
    assert '<meta name="description" content="The port of Busan reopened on Tuesday' in html
    assert '<meta property="og:title" content="Busan&#x27;s harbour is open again">' in html
    assert '<meta name="twitter:title" content="Busan&#x27;s harbour is open again">' in html
    assert '<meta property="og:description" content="Ships are back.">' in html
    assert renditions.social_card_name(social) in html and 'content="Crowd on the quay"' in html
    assert '<link rel="canonical" href="https://partner.example.org/harbour">' in html
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["mainEntityOfPage"] == "https://partner.example.org/harbour"
    assert data["description"].startswith("The port of Busan")


def test_noindex_hides_an_article_from_search_engines_and_sitemaps(client, make_article):
    hidden = make_article(title="Notice", noindex=True)
    elsewhere = make_article(title="Syndicated", canonical_url="https://partner.example.org/story")
    listed = make_article(title="Ours")
    assert '<meta name="robots" content="noindex, follow">' in head(client, hidden)
    sitemap = client.get("/sitemap.xml").content.decode()
    news = client.get("/news-sitemap.xml").content.decode()
    for xml in (sitemap, news):
        assert listed.get_absolute_url() in xml
        assert hidden.get_absolute_url() not in xml and elsewhere.get_absolute_url() not in xml


def test_feed_description_falls_back_to_the_meta_description(client, make_article):
    make_article(title="No summary", summary="", meta_description="What the story is about.")
    assert "What the story is about." in client.get("/feed/").content.decode()


def test_admin_shows_search_and_link_previews_with_a_length_hint(client, make_article):
    editor = User.objects.create_user("eddie", password="pw-for-tests-only", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    article = make_article(
        title="Harbour reopens", summary="Ships return.", social_title="Open again", hero=library_image(alt="H")
    )
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    search = page.split('data-seo-preview="search"')[1].split("</div>")[0]
    assert "Harbour reopens" in search and "Ships return." in search
    assert f"https://news.example.com{article.get_absolute_url()}" in search
    assert "about 120-160 characters" in search
    social = page.split('data-seo-preview="social"')[1].split("</div>")[0]
    assert "Open again" in social and renditions.social_card_name(article.hero) in social
    assert "editor/seo-preview.js" in page


def test_absolute_links_follow_the_sites_domain_from_one_request_to_the_next(client, make_article):
    """The site's origin is worked out once per request (`seo.absolute_url`), never kept beyond it."""
    from django.contrib.sites.models import Site

    from articles.page_cache import forget_local_copies
    from newsroom.cache import shows_article
    from newsroom.cache_entries import purge

    article = make_article(title="Harbour reopens")
    assert '<link rel="canonical" href="http://news.example.com/' in head(client, article)

    Site.objects.filter(pk=1).update(domain="elsewhere.example.org")
    Site.objects.clear_cache()
    purge(shows_article(article.pk))
    forget_local_copies()

    html = head(client, article)
    assert '<link rel="canonical" href="http://elsewhere.example.org/' in html
    assert json_ld(html)["mainEntityOfPage"].startswith("http://elsewhere.example.org/")
