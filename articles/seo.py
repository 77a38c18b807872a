"""What search engines and link previews read: absolute URLs, canonical links, noindex, NewsArticle JSON-LD."""

from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import Page

from articles.models import Article


def absolute_url(request, path: str) -> str:
    """`path` on the site's public domain (django.contrib.sites), as sitemaps and feeds build their links."""
    return f"{request.scheme}://{get_current_site(request).domain}{path}"


def listing_seo(request, page: Page) -> dict:
    """Page 1 is the canonical listing; later pages and odd `?page=` values are not indexed."""
    path = request.path if page.number == 1 else f"{request.path}?page={page.number}"
    return {"canonical_url": absolute_url(request, path), "noindex": "page" in request.GET}


def _author(article: Article, site) -> dict:
    name = article.byline.strip().removeprefix("By ").removeprefix("by ").strip()
    return {"@type": "Person", "name": name} if name else {"@type": "Organization", "name": site.name}


def article_json_ld(request, site, article: Article) -> dict:
    """schema.org NewsArticle for an article page."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.summary,
        "mainEntityOfPage": absolute_url(request, article.get_absolute_url()),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": max(article.updated_at, article.published_at or article.updated_at).isoformat(),
        "author": [_author(article, site)],
        "publisher": {"@type": "Organization", "name": site.name, "url": absolute_url(request, "/")},
        "articleSection": article.section.name,
    }
    if article.hero_image:
        data["image"] = [absolute_url(request, article.hero_image.url)]
    return data
