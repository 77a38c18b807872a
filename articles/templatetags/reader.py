"""Reader-page widgets (each with its own template under articles/includes/) and SEO helpers."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.models import Article
from articles.selectors import absolute_url

register = template.Library()

# The characters that could end a <script> element or open a comment inside one (as json_script escapes).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.inclusion_tag("articles/includes/related.html")
def related_widget(articles: list[Article]) -> dict:
    return {"articles": articles}


@register.inclusion_tag("articles/includes/ranking.html")
def ranking_widget(articles: list[Article], heading: str = "Ranking") -> dict:
    return {"articles": articles, "heading": heading}


@register.inclusion_tag("articles/includes/recommendation.html")
def recommendation_widget(articles: list[Article]) -> dict:
    return {"articles": articles}


def _author(article: Article, site) -> dict:
    name = article.byline.strip().removeprefix("By ").removeprefix("by ").strip()
    return {"@type": "Person", "name": name} if name else {"@type": "Organization", "name": site.name}


@register.simple_tag(takes_context=True)
def article_json_ld(context, article: Article) -> str:
    """A NewsArticle JSON-LD block, escaped so editor text can never close the script element."""
    request, site = context["request"], context["site"]
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
        "articleSection": article.category.name,
    }
    if article.hero_image:
        data["image"] = [absolute_url(request, article.hero_image.url)]
    payload = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>',
        context.get("csp_nonce", ""),
        mark_safe(payload),  # noqa: S308 — escaped above, as json_script does
    )
